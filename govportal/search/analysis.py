"""Chinese text analysis for the search index: word segmentation, query parsing, document numbers,
highlighting.

Both the index and the query go through the same segmenter: a private jieba tokenizer (its dictionary
ships in the jieba wheel, plus ``words.txt`` here) with the HMM new-word guesser switched off, so the
same characters are always cut the same way and unknown words fall apart into single characters on
both sides.

- Indexed text is cut in jieba's *search mode*: every word, plus the two- and three-character words
  inside longer ones (义务教育 → 义务 / 教育 / 义务教育), so a two-character word is found inside the
  longer words that contain it. Titles also carry their single characters, so a one-character query
  (税) finds the titles that contain it.
- A query is cut in *precise mode*; a word of four or more characters also matches as the set of its
  shorter words, since search mode does not emit four-character words nested in longer ones.

The output is plain tokens of letters, digits and CJK characters separated by spaces: SQLite FTS5
(``unicode61``) and PostgreSQL (``to_tsvector('simple', …)``) split it the same way, and no user input
reaches either engine as syntax.

Changing ``words.txt`` or this module's rules requires ``govportal rebuild-search-index``.
"""

from __future__ import annotations

import html
import logging
import re
import threading
import unicodedata
import zlib
from dataclasses import dataclass, field
from pathlib import Path

MAX_QUERY_CHARS = 100
MAX_QUERY_TOKENS = 12
MAX_TOKEN_CHARS = 40
# Function words dropped from a query when it has other words (of, and, about, ...).
STOPWORDS = frozenset(
    "的 了 和 与 及 或 在 是 对 之 其 等 并 把 被 将 从 也 都 着 关于 有关 以及 及其 啊 吗 呢 吧 请问".split()
)

_CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK = re.compile(f"[{_CJK_CLASS}]")
_RUN = re.compile(f"[{_CJK_CLASS}]+|[^\\W_{_CJK_CLASS}]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

_lock = threading.Lock()
_tokenizer = None


def tokenizer():
    """The private jieba tokenizer (loaded once per process, about half a second)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                logging.getLogger("jieba").setLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.initialize()
                for line in (Path(__file__).with_name("words.txt")).read_text(encoding="utf-8").splitlines():
                    line = line.split("#", 1)[0].strip()
                    if line:
                        word, _, freq = line.partition(" ")
                        tok.add_word(word, int(freq) if freq.strip().isdigit() else None)
                _tokenizer = tok
    return _tokenizer


def warm() -> None:
    """Load the dictionary now (the production server does this when a worker starts)."""
    tokenizer()


def clean(text: str) -> str:
    """Text with control characters (NUL, …) and lone surrogates removed."""
    return _CONTROL.sub("", text or "")


def fold(text: str) -> str:
    """Width-folded (ＡＢＣ１２３ → abc123) and lower-cased, for tokenizing."""
    return unicodedata.normalize("NFKC", clean(text)).lower()


def is_cjk(token: str) -> bool:
    return bool(_CJK.match(token))


def _runs(text: str):
    for m in _RUN.finditer(fold(text)):
        yield m.group()


def index_tokens(text: str, unigrams: bool = False) -> list[str]:
    """The tokens of ``text`` as stored in the index (search mode; optionally single CJK characters)."""
    tok = tokenizer()
    out: list[str] = []
    seen_chars: set[str] = set()
    for run in _runs(text):
        if is_cjk(run):
            out.extend(tok.cut_for_search(run, HMM=False))
            if unigrams:
                for ch in run:
                    if ch not in seen_chars:
                        seen_chars.add(ch)
                        out.append(ch)
        else:
            out.append(run[:MAX_TOKEN_CHARS])
    return out


def segment(text: str, unigrams: bool = False) -> str:
    """Indexed form of ``text``: tokens separated by spaces, with a space at each end (so that a
    token is found as `` token `` by a plain substring test where no full-text engine exists)."""
    tokens = index_tokens(text, unigrams=unigrams)
    return f" {' '.join(tokens)} " if tokens else ""


@dataclass
class Query:
    """A parsed query: what the user typed, what is searched, and what was left out and why."""

    raw: str
    text: str = ""  # the part that is searched (cleaned, cut to MAX_QUERY_CHARS)
    tokens: list[str] = field(default_factory=list)  # precise-mode words, stop words dropped
    # For each token, the alternatives that also count as a match: [[sub, sub, ...], ...] (AND within).
    alternatives: dict[str, list[str]] = field(default_factory=dict)
    # For each token with synonyms (synonyms.txt), each synonym as the tokens it is searched as (AND within).
    synonyms: dict[str, list[list[str]]] = field(default_factory=dict)
    truncated: bool = False
    dropped_tokens: list[str] = field(default_factory=list)
    runs: list[str] = field(default_factory=list)  # the CJK/alphanumeric runs typed, for suggestions

    @property
    def empty(self) -> bool:
        return not self.tokens

    def groups(self) -> list[list[list[str]]]:
        """AND over groups; a group is an OR over alternatives; an alternative is an AND of tokens."""
        out = []
        for token in self.tokens:
            alts = [[token]]
            sub = self.alternatives.get(token)
            if sub:
                alts.append(sub)
            alts.extend(self.synonyms.get(token, []))
            out.append(alts)
        return out

    def highlight_terms(self) -> list[str]:
        terms = set(self.tokens)
        for sub in self.alternatives.values():
            terms.update(sub)
        for token in self.tokens:
            terms.update(synonym_words(token))
        # A run typed as one piece (钦政办) is marked whole; the single characters it fell apart into
        # are not marked on their own everywhere they occur.
        split = {ch for run in self.runs if len(run) > 1 and is_cjk(run) for ch in run}
        terms = {t for t in terms if not (len(t) == 1 and t in split)}
        terms.update(run for run in self.runs if len(run) > 1 and run not in STOPWORDS)
        # Longest first, so 义务教育 is marked whole rather than as 义务 + 教育.
        return sorted(terms, key=lambda t: (-len(t), t))


def parse_query(raw: str) -> Query:
    raw = raw or ""
    text = " ".join(clean(raw).split())
    q = Query(raw=raw)
    if len(text) > MAX_QUERY_CHARS:
        text, q.truncated = text[:MAX_QUERY_CHARS], True
    q.text = text
    tok = tokenizer()
    tokens: list[str] = []
    for run in _runs(text):
        q.runs.append(run)
        if is_cjk(run):
            tokens.extend(w for w in tok.cut(run, HMM=False) if w.strip())
        else:
            tokens.append(run[:MAX_TOKEN_CHARS])
    tokens = _join_synonyms(tokens)
    content = [t for t in tokens if t not in STOPWORDS]
    if content:
        tokens = content
    unique: list[str] = []
    for t in tokens:
        if t not in unique:
            unique.append(t)
    if len(unique) > MAX_QUERY_TOKENS:
        q.dropped_tokens = unique[MAX_QUERY_TOKENS:]
        unique = unique[:MAX_QUERY_TOKENS]
    q.tokens = unique
    for t in unique:
        for word in synonym_words(t):
            tokens_of = searched_as(word)
            # A synonym that falls apart into single characters would match far too much: left out.
            if tokens_of and not any(len(x) == 1 and is_cjk(x) for x in tokens_of):
                q.synonyms.setdefault(t, []).append(tokens_of)
        if is_cjk(t) and len(t) >= 4:
            # Search mode does not emit a 4+ character word nested in a longer one; its 2-3 character
            # words are emitted wherever it occurs, so all of them together also count as a match.
            subs = [w for w in tok.cut_for_search(t, HMM=False) if len(w) < len(t)]
            if subs:
                q.alternatives[t] = list(dict.fromkeys(subs))
    return q


# --- synonyms (synonyms.txt) --------------------------------------------------------------------------

_synonyms: dict[str, list[str]] | None = None


def synonym_table() -> dict[str, list[str]]:
    """word → the other words of its line in ``synonyms.txt`` (低保 → [最低生活保障], and back)."""
    global _synonyms
    if _synonyms is None:
        table: dict[str, list[str]] = {}
        text = Path(__file__).with_name("synonyms.txt").read_text(encoding="utf-8")
        for line in text.splitlines():
            words = [fold(w) for w in line.split("#", 1)[0].split()]
            for w in words:
                table.setdefault(w, []).extend(o for o in words if o != w and o not in table[w])
        _synonyms = table
    return _synonyms


def synonym_words(token: str) -> list[str]:
    return synonym_table().get(token, [])


def searched_as(word: str) -> list[str]:
    """The tokens a synonym is searched as, all of which must be present: its precise-mode words, a word of
    four or more characters as its shorter words (which the index holds wherever it occurs)."""
    tok = tokenizer()
    out: list[str] = []
    for run in _runs(word):
        if not is_cjk(run):
            out.append(run[:MAX_TOKEN_CHARS])
            continue
        for w in tok.cut(run, HMM=False):
            subs = [s for s in tok.cut_for_search(w, HMM=False) if len(s) < len(w)] if len(w) >= 4 else []
            out.extend(subs or [w])
    return list(dict.fromkeys(out))


def _join_synonyms(tokens: list[str]) -> list[str]:
    """Consecutive tokens that together spell a word of the synonym list become that word (最低 生活保障 →
    最低生活保障), so that its synonyms are found too."""
    table = synonym_table()
    out, i = [], 0
    while i < len(tokens):
        for j in range(min(len(tokens), i + 6), i + 1, -1):
            if "".join(tokens[i:j]) in table:
                out.append("".join(tokens[i:j]))
                i = j
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


# --- facets (filter tokens) --------------------------------------------------------------------------


def facet_ancestor(page_id: int) -> str:
    return f"p{page_id}"


def facet_parent(page_id: int) -> str:
    """The item sits directly under this page (a column's own items)."""
    return f"c{page_id}"


def facet_unit(unit_id: int) -> str:
    return f"u{unit_id}"


def facet_kind(model_name: str) -> str:
    return "k" + re.sub(r"[^a-z0-9]", "", model_name.lower())


def facet_validity(value: str) -> str:
    return f"v{zlib.crc32(value.encode('utf-8')):08x}"


# --- document numbers (文号) ---------------------------------------------------------------------------

_OPEN = "〔[(（【〖［｛{<《〈「"
_CLOSE = "〕])）】〗］｝}>》〉」"
_DOCNO = re.compile(r"^(?P<org>[^\s〔〕]{1,30})〔(?P<year>\d{4})〕第?0*(?P<num>\d{1,6})号?$")
_DOCNO_PREFIX = re.compile(r"^(?P<org>[^\s〔〕]{1,30})〔(?P<year>\d{4})〕?$")


def document_key(number: str) -> str:
    """A document number in one canonical spelling: 钦政办[2023]24号, 钦政办（2023）第024号 and
    钦政办〔2023〕24号 all become ``钦政办〔2023〕24号``. Empty for an empty number."""
    s = "".join(clean(number).split())
    if not s:
        return ""
    trans = {ord(o): "〔" for o in _OPEN} | {ord(c): "〕" for c in _CLOSE}
    s = s.translate(trans)
    s = unicodedata.normalize("NFKC", s).translate(trans)
    m = _DOCNO.match(s)
    if m:
        return f"{m['org']}〔{m['year']}〕{int(m['num'])}号"
    return s[:100]


def document_query(text: str) -> tuple[str, bool] | None:
    """If ``text`` looks like a document number, its key and whether it is a whole number (True) or
    only the organ and year (钦政办〔2023〕, a prefix)."""
    s = "".join(clean(text).split())
    if not s or len(s) > 60:
        return None
    key = document_key(s)
    if _DOCNO.match(key):
        return key, True
    m = _DOCNO_PREFIX.match(key)
    if m and "〔" in key:
        return f"{m['org']}〔{m['year']}〕", False
    return None


# --- highlighting --------------------------------------------------------------------------------------


def _spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping spans of ``terms`` in ``text`` (longest terms first, case-insensitive)."""
    low = text.lower()
    taken = [False] * len(text)
    spans = []
    for term in terms:
        if not term:
            continue
        variants = {term}
        if term.isascii():
            variants.add("".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in term))
        for v in variants:
            start = low.find(v)
            while start >= 0:
                end = start + len(v)
                if not any(taken[start:end]):
                    spans.append((start, end))
                    for i in range(start, end):
                        taken[i] = True
                start = low.find(v, end)
    spans.sort()
    return spans


def highlight(text: str, terms: list[str]) -> str:
    """``text`` as HTML-escaped markup with each occurrence of ``terms`` in <mark>."""
    out, pos = [], 0
    for start, end in _spans(text, terms):
        out.append(html.escape(text[pos:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def snippet(text: str, terms: list[str], length: int = 120) -> str:
    """A passage of ``text`` around the first place it mentions the query, highlighted."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    spans = _spans(text, terms)
    if not spans:
        cut = text[:length]
        return html.escape(cut) + ("…" if len(text) > length else "")
    # The window that holds the most matches among those starting at a match (minus a little lead-in).
    best_start, best_hits = spans[0][0], 0
    for s, _ in spans[:50]:
        hits = sum(1 for a, b in spans if s <= a and b <= s + length)
        if hits > best_hits:
            best_start, best_hits = s, hits
    start = max(0, best_start - 20)
    # Begin at a sentence boundary when one is close.
    for i in range(best_start - 1, max(start, best_start - 40) - 1, -1):
        if i >= 0 and text[i] in "。！？；;!?":
            start = i + 1
            break
    end = min(len(text), start + length)
    body = highlight(text[start:end], terms)
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")

"""Throughput of govportal.textcheck.

    .venv/bin/python benchmarks/textcheck_speed.py [--mb 50] [--write]

1. Fast path, one core: a 10,000-term synthetic lexicon + secret markers + personal data
   (``Checker(sensitive_terms=..., detectors=["sensitive", "secret", "personal_data"])``) over
   ~50 MB (UTF-8) of synthetic Chinese text cut into items of ~2,000 characters. MB means 10^6 bytes
   of UTF-8 (3 bytes per Chinese character), so 20 MB/s is about 6.7 million characters a second.
2. Full checker (``Checker.default()`` with the 10,000-term lexicon added, links restricted to
   government sites): run on a sample of items in one process and in two processes (this machine
   has 2 cores), then extrapolated to the whole published site of 200,000 items of ~2,000
   characters. The extrapolation is stated as such in the output.

Synthetic text: words drawn from jieba's dictionary in proportion to their frequency (the common
vocabulary of Chinese text), punctuation every 5-25 characters, and per ~2,000-character item about
one date, one amount, one landline, one mobile number, one ID number in ten items, one card-like
number and one lexicon term in three items, one secret marker in fifty items. The lexicon: 5,000
rare words from jieba's dictionary (frequency <= 10) and 5,000 random 2-4 character strings of
common characters, plus the shipped starter list.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import itertools
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govportal.textcheck import Checker  # noqa: E402
from govportal.textcheck.batch import check_many  # noqa: E402
from govportal.textcheck.typos import jieba_words  # noqa: E402

RESULTS = ROOT / "benchmarks/RESULTS-textcheck.md"
ITEM_CHARS = 2000
SITE_ITEMS = 200_000
PUNCT = "，，，，。。、；：！？"
SECRETS = ["机密★10年", "内部资料", "（此件不公开）", "秘密★1年"]


def build_lexicon(rng: random.Random, size: int = 10_000) -> list[str]:
    words = jieba_words()
    rare = sorted(
        w for w, (f, t) in words.items() if f <= 10 and 2 <= len(w) <= 6 and t not in ("m", "x", "eng")
    )
    chosen = set(rng.sample(rare, size // 2))
    common = "".join(sorted({c for w, (f, _) in words.items() if f > 2000 and len(w) <= 2 for c in w}))
    while len(chosen) < size:
        chosen.add("".join(rng.choice(common) for _ in range(rng.randint(2, 4))))
    return sorted(chosen)


def _id18(rng: random.Random) -> str:
    w = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    body = (
        "450702"
        + f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        + f"{rng.randrange(1000):03d}"
    )
    return body + "10X98765432"[sum(int(a) * b for a, b in zip(body, w, strict=True)) % 11]


def build_items(rng: random.Random, megabytes: float, lexicon: list[str]) -> list[str]:
    words = jieba_words()
    vocab = [w for w, (f, t) in words.items() if f >= 3 and t not in ("x", "eng", "m")]
    cum = list(itertools.accumulate(words[w][0] for w in vocab))
    items: list[str] = []
    total = 0
    target = megabytes * 1_000_000
    while total < target:
        draws = rng.choices(vocab, cum_weights=cum, k=900)
        parts: list[str] = []
        n = 0
        gap = rng.randint(5, 25)
        for w in draws:
            parts.append(w)
            n += len(w)
            gap -= len(w)
            if gap <= 0:
                parts.append(rng.choice(PUNCT))
                gap = rng.randint(5, 25)
            if n >= ITEM_CHARS:
                break
        extras = [
            f"{rng.randint(2015, 2026)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
            f"{rng.randint(1, 9999)}.{rng.randint(0, 9)}万元",
            f"0777-{rng.randint(2000000, 3999999)}",
            "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9)),
        ]
        if rng.random() < 0.1:
            extras.append(_id18(rng))
        if rng.random() < 0.33:
            extras.append("".join(rng.choice("0123456789") for _ in range(rng.choice((12, 16, 19)))))
        if rng.random() < 0.33:
            extras.append(rng.choice(lexicon))
        if rng.random() < 0.02:
            extras.append("\n" + rng.choice(SECRETS) + "\n")
        for e in extras:
            parts.insert(rng.randrange(len(parts) + 1), e)
        item = "".join(parts)
        items.append(item)
        total += len(item.encode("utf-8"))
    return items


def timed(fn, items: list[str]) -> float:
    """CPU seconds of this process: time spent waiting for a core another job holds is not counted."""
    t0 = time.process_time()
    for item in items:
        fn(item)
    return time.process_time() - t0


def timed_wall(fn, items: list[str]) -> float:
    t0 = time.perf_counter()
    for item in items:
        fn(item)
    return time.perf_counter() - t0


_WORKER: Checker | None = None


def _init_worker(lexicon: list[str]) -> None:
    global _WORKER
    _WORKER = full_checker(lexicon)


def _ready(_: int) -> int:
    time.sleep(0.3)  # long enough for each worker to take one of these
    return os.getpid()


def _count(item: str) -> int:
    assert _WORKER is not None
    return len(_WORKER.check(item))


def steady_two_processes(lexicon: list[str], items: list[str]) -> float:
    """Seconds for two warmed-up worker processes to check *items* (checker build not included)."""
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(2, initializer=_init_worker, initargs=(lexicon,)) as pool:
        pool.map(_ready, range(2), chunksize=1)
        t0 = time.perf_counter()
        pool.map(_count, items, chunksize=64)
        return time.perf_counter() - t0


def full_checker(lexicon: list[str]) -> Checker:
    return Checker.default(forbid_non_gov=True, sensitive_terms=lexicon)


HISTORY_HEADER = [
    "| run | load avg | fast path MB/s (median) | (best) | one-core timing | full checker ms/item, 1 process "
    "| 2 processes | whole site, min |",
    "|---|---:|---:|---:|---|---:|---:|---:|",
]


def append_history(row: str) -> None:
    """Keep every --write run, so that one run on a busy machine does not hide the others."""
    start, end = "<!-- speed-history:start -->", "<!-- speed-history:end -->"
    text = RESULTS.read_text(encoding="utf-8")
    if start not in text:
        text = text.rstrip() + "\n\n" + "\n".join([start, *HISTORY_HEADER, end]) + "\n"
    head, rest = text.split(start, 1)
    body, tail = rest.split(end, 1)
    rows = [line for line in body.strip().splitlines() if line.startswith("| 2")]
    rows.append(row)
    text = head + "\n".join([start, *HISTORY_HEADER, *rows, end]) + tail
    RESULTS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description="textcheck throughput")
    parser.add_argument(
        "--mb", type=float, default=50.0, help="MB of synthetic text for the fast path (default 50)"
    )
    parser.add_argument(
        "--sample", type=int, default=3000, help="items for the full-checker sample (default 3000)"
    )
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS-textcheck.md")
    args = parser.parse_args()

    rng = random.Random(5)
    t0 = time.perf_counter()
    lexicon = build_lexicon(rng)
    items = build_items(rng, args.mb, lexicon)
    n_bytes = sum(len(i.encode("utf-8")) for i in items)
    n_chars = sum(len(i) for i in items)
    print(
        f"generated {len(items)} items, {n_bytes / 1e6:.1f} MB, {n_chars / 1e6:.1f} M chars in {time.perf_counter() - t0:.1f} s"
    )

    t0 = time.perf_counter()
    fast = Checker(sensitive_terms=lexicon, detectors=["sensitive", "secret", "personal_data"])
    build_fast = time.perf_counter() - t0
    load_before = os.getloadavg()[0]
    runs = [timed(fast.check, items) for _ in range(5)]
    wall = timed_wall(fast.check, items)
    secs = statistics.median(runs)
    fast_mbs = n_bytes / 1e6 / secs
    best_mbs = n_bytes / 1e6 / min(runs)
    found = sum(len(fast.check(i)) for i in items[:2000])
    parts = {
        "lexicon + secret anchors (automaton only)": lambda t: list(fast.matcher.iter(t)),
        "personal-data numbers only": lambda t: list(
            __import__("govportal.textcheck.personal", fromlist=["x"]).find_numbers(t)
        ),
    }
    part_lines = []
    for name, fn in parts.items():
        s = timed(fn, items)
        part_lines.append(f"| {name} | {n_bytes / 1e6 / s:.1f} MB/s |")

    # full checker, one process, on a sample
    sample = items[: args.sample]
    sample_chars = sum(len(i) for i in sample)
    t0 = time.perf_counter()
    full = full_checker(lexicon)
    build_full = time.perf_counter() - t0
    one = timed(full.check, sample)
    per_item_1 = one / len(sample) * (ITEM_CHARS / (sample_chars / len(sample)))
    # two processes
    big_sample = (items * 3)[: args.sample * 2]
    load_two = os.getloadavg()[0]
    t0 = time.perf_counter()
    factory = functools.partial(full_checker, lexicon)
    n_two = sum(1 for _ in check_many(enumerate(big_sample), factory=factory, processes=2))
    two = time.perf_counter() - t0 - build_full  # the workers build their checkers in parallel
    assert n_two == len(big_sample)
    big_chars = sum(len(i) for i in big_sample)
    per_item_2_e2e = two / len(big_sample) * (ITEM_CHARS / (big_chars / len(big_sample)))
    load_steady = os.getloadavg()[0]
    steady = steady_two_processes(lexicon, big_sample)
    per_item_2 = steady / len(big_sample) * (ITEM_CHARS / (big_chars / len(big_sample)))
    site_1 = SITE_ITEMS * per_item_1 + build_full
    site_2 = SITE_ITEMS * per_item_2 + build_full

    load_after = os.getloadavg()[0]
    now = datetime.datetime.now().astimezone()
    lines = [
        f"_Run {now:%Y-%m-%d %H:%M %Z} on {platform.node() or 'this machine'}: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, ahocorasick-rs 1.0.3._",
        "",
        f"Synthetic text: {len(items)} items of ~{ITEM_CHARS} characters, {n_bytes / 1e6:.1f} MB UTF-8 "
        f"({n_chars / 1e6:.1f} M characters). Lexicon: {len(lexicon)} terms.",
        "",
        "| measurement | result |",
        "|---|---|",
        f"| **lexicon (10,000 terms) + secrets + personal data, one core** | **{fast_mbs:.1f} MB/s median, "
        f"{best_mbs:.1f} MB/s best** of 5 runs ({n_chars / secs / 1e6:.2f} M chars/s median; "
        f"CPU seconds per run: {', '.join(f'{r:.2f}' for r in runs)}; load average before: {load_before:.2f}) |",
        f"| same, wall clock (one more run) | {n_bytes / 1e6 / wall:.1f} MB/s |",
        *part_lines,
        f"| building that checker | {build_fast:.2f} s |",
        f"| findings in the first 2,000 items (fast path) | {found} |",
        f"| full checker (all kinds, shipped data + 10,000-term lexicon, homophones on), one process | "
        f"{per_item_1 * 1000:.2f} ms per 2,000-character item ({len(sample)}-item sample) |",
        f"| same, two warmed-up worker processes | {per_item_2 * 1000:.2f} ms per item "
        f"(wall clock, {len(big_sample)}-item sample; load average before: {load_steady:.2f}) |",
        f"| same through `textcheck.batch.check_many(processes=2)`, end to end | {per_item_2_e2e * 1000:.2f} ms per item "
        f"(wall clock less one checker build; load average before: {load_two:.2f}) |",
        f"| building the full checker (per process) | {build_full:.2f} s |",
        f"| **whole site, 200,000 items × 2,000 characters (extrapolated from the samples)** | "
        f"**{min(site_1, site_2) / 60:.1f} min** ({site_1 / 60:.1f} min on one process, {site_2 / 60:.1f} min on two; "
        "two processes only help when no other job holds the second core) |",
        "",
        f"Load average at the end: {load_after:.2f}. One-core figures are CPU time of the checking process "
        "(time.process_time), so that other jobs on this shared machine do not count against it; the wall-clock "
        "line and the two-process lines are wall time and do suffer from them.",
    ]
    print("\n".join(lines))
    if args.write:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from textcheck_quality import write_section

        write_section("speed", lines)
        history = (
            f"| {now:%Y-%m-%d %H:%M} | {load_before:.2f} | {fast_mbs:.1f} | {best_mbs:.1f} | CPU time | "
            f"{per_item_1 * 1000:.2f} | {per_item_2 * 1000:.2f} | {min(site_1, site_2) / 60:.1f} |"
        )
        append_history(history)


if __name__ == "__main__":
    main()

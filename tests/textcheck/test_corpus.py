"""Quality gate on the labelled corpus (tests/data/textcheck/corpus.jsonl).

Personal data and secret markers: recall 100 %, precision at least 95 %. Typos: the shipped
detector must beat a plain confusion-list baseline. Speed is measured in benchmarks/, not here.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from govportal.textcheck import PERSONAL_DATA, SECRET, TYPO, Checker, TypoRule
from govportal.textcheck.evaluate import evaluate, load_corpus
from govportal.textcheck.lexicon import data_file, load_typo_context, load_typos

DATA = Path(__file__).resolve().parents[1] / "data" / "textcheck"


@pytest.fixture(scope="module")
def rows():
    return load_corpus(DATA / "corpus.jsonl")


@pytest.fixture(scope="module")
def checker():
    cfg = json.loads((DATA / "corpus_config.json").read_text(encoding="utf-8"))
    return Checker.default(
        forbid_non_gov=cfg["forbid_non_gov"],
        blocked_domains=cfg["blocked_domains"],
        today=datetime.date.fromisoformat(cfg["today"]),
    )


def test_corpus_is_big_enough_and_half_of_it_is_clean(rows):
    assert len(rows) >= 300
    clean = [r for r in rows if r["group"] == "clean"]
    assert all(r["expected"] == [] for r in clean)
    assert len(clean) >= 0.45 * len(rows)


@pytest.mark.parametrize("kind", [PERSONAL_DATA, SECRET])
def test_personal_data_and_secret_markers_recall_100_precision_95(rows, checker, kind):
    score = evaluate(checker.check, rows, kinds=[kind])[kind]
    assert score.misses == []
    assert score.recall == 1.0
    assert score.precision >= 0.95, score.false_positives


def test_every_kind_is_exercised_and_precise(rows, checker):
    for kind, score in evaluate(checker.check, rows).items():
        assert score.tp >= 8, kind
        assert score.precision >= 0.9, (kind, score.false_positives)


def test_typos_beat_a_plain_confusion_list(rows, checker):
    rules = load_typos(data_file("typos.tsv")) + load_typo_context(data_file("typo_context.toml"))
    baseline = Checker(
        typo_rules=list({r.wrong: TypoRule(r.wrong, r.correct) for r in rules}.values()), detectors=[TYPO]
    )
    ours = evaluate(checker.check, rows, kinds=[TYPO])[TYPO]
    base = evaluate(baseline.check, rows, kinds=[TYPO])[TYPO]
    assert ours.precision > base.precision
    assert ours.recall > base.recall
    assert ours.f1 > base.f1 + 0.1


SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside the repository")
def test_the_real_regulation_texts_raise_nothing(checker):
    """The five seed regulations are published government text: nothing in them should be flagged."""
    texts = sorted(SEEDS.glob("*.txt"))
    assert texts
    found = [(p.name, f.kind, f.text) for p in texts for f in checker.check(p.read_text(encoding="utf-8"))]
    assert found == []

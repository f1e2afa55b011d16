"""``govportal textcheck --locality NAME``: the operator's check uses the administrators' registries of
that site (not only the shipped starter lists), with the same JSON-lines output."""

from __future__ import annotations

import io
import json
import sys

import pytest

from govportal.cli import main as govportal_main

pytestmark = pytest.mark.django_db

TEXT = "本店辣条王零食批发，详见 http://bocai-777.invalid/a 。"


def run(argv, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TEXT.encode("utf-8"))))
    with pytest.raises(SystemExit) as exit_:
        govportal_main(["govportal", "textcheck", *argv])
    out, err = capsys.readouterr()
    return exit_.value.code, [json.loads(line) for line in out.splitlines()], err


@pytest.fixture
def registries(qinzhou):
    from govportal.monitoring.models import BlockedDomain, SensitiveWord

    SensitiveWord.objects.create(term="辣条王", category="不当广告", severity="blocking", locality="qinzhou")
    BlockedDomain.objects.create(domain="bocai-777.invalid", note="赌博网站")


def test_locality_uses_the_sites_registries(registries, monkeypatch, capsys):
    code, lines, _ = run(["-", "--locality", "qinzhou"], monkeypatch, capsys)
    assert code == 1
    found = {(x["kind"], x["text"]) for x in lines}
    assert ("sensitive", "辣条王") in found
    assert any(k == "link" and "bocai-777.invalid" in t for k, t in found)
    for x in lines:
        assert set(x) >= {"kind", "severity", "start", "end", "text", "suggestion", "rule"}
        assert TEXT[x["start"] : x["end"]] == x["text"]


def test_without_locality_only_the_shipped_lists_apply(registries, monkeypatch, capsys):
    code, lines, _ = run(["-"], monkeypatch, capsys)
    assert ("sensitive", "辣条王") not in {(x["kind"], x["text"]) for x in lines}


def test_only_still_filters_with_a_locality(registries, monkeypatch, capsys):
    code, lines, _ = run(["-", "--locality", "qinzhou", "--only", "sensitive"], monkeypatch, capsys)
    assert code == 1 and [(x["kind"], x["text"]) for x in lines] == [("sensitive", "辣条王")]


def test_a_word_of_another_locality_does_not_apply(qinzhou, monkeypatch, capsys):
    from govportal.monitoring.models import SensitiveWord

    SensitiveWord.objects.create(
        term="辣条王", category="不当广告", severity="blocking", locality="xiangshan"
    )
    _, lines, _ = run(["-", "--locality", "qinzhou"], monkeypatch, capsys)
    assert ("sensitive", "辣条王") not in {(x["kind"], x["text"]) for x in lines}


def test_unknown_locality_is_a_usage_error_in_chinese(qinzhou, monkeypatch, capsys):
    code, lines, err = run(["-", "--locality", "nowhere"], monkeypatch, capsys)
    assert code == 2 and lines == []
    assert "没有代码为“nowhere”的地区配置" in err and "qinzhou" in err

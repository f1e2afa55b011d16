"""The offline CAPTCHA, the client address behind a proxy, and rules read from the profiles."""

from __future__ import annotations

import pytest

from govportal.interaction.rules import letter_rules
from govportal.interaction.spam import (
    check_answer,
    cn_number,
    issue_token,
    question_for,
    read_token,
)
from govportal.ratelimits import client_ip


def test_the_captcha_question_in_words_has_the_same_answer_as_the_image():
    nonce = read_token(issue_token())
    q = question_for(nonce)
    assert q.answer >= 1
    assert q.image_text.endswith(" = ?") and eval(q.image_text[:-4]) == q.answer  # noqa: S307
    assert check_answer(nonce, str(q.answer)) and check_answer(nonce, f" {q.answer} ")
    assert check_answer(nonce, str(q.answer).translate(str.maketrans("0123456789", "０１２３４５６７８９")))
    assert not check_answer(nonce, str(q.answer + 1)) and not check_answer(nonce, "abc")
    assert check_answer(nonce, cn_number(q.answer))  # 十八 is an answer too
    assert [cn_number(n) for n in (3, 10, 14, 20, 28)] == ["三", "十", "十四", "二十", "二十八"]


def test_client_ip_behind_a_trusted_proxy(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.5")
    assert client_ip(request) == "10.0.0.5"  # no proxy trusted: the header is ignored
    settings.GOVPORTAL_TRUSTED_PROXIES = "10.0.0.0/8"
    assert client_ip(request) == "203.0.113.7"
    spoofed = rf.get("/", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(spoofed) == "198.51.100.1"  # an untrusted peer's own header is ignored
    assert client_ip(None) is None


@pytest.mark.django_db
def test_rules_come_from_the_profiles_with_platform_defaults():
    qz = letter_rules("qinzhou")
    assert [(t.name, t.deadline_workdays, t.extendable) for t in qz.types] == [
        ("咨询", 2, False),
        ("求助", 5, True),
        ("建议", 5, True),
        ("投诉", 10, True),
        ("举报", 10, True),
    ]
    assert qz.clock_starts == "dispatch" and qz.mailbox_name == "市长信箱"
    assert qz.cite("deadline_article") == "《钦州市人民政府门户网站管理办法》第二十条"
    wb = letter_rules("weibin")
    assert wb.mailbox_name == "区长信箱"
    assert [t.name for t in wb.types] == ["意见", "建议", "咨询", "投诉"]
    assert all(t.deadline_workdays == 10 for t in wb.types)  # 渭滨 sets no deadline: platform default
    assert "[letters] consultation.deadline_workdays" in wb.defaults_used
    xs = letter_rules("xiangshan")
    assert [t.name for t in xs.types] == ["咨询", "求助", "建议", "投诉", "举报"]
    assert xs.cite("deadline_article") == "平台默认规则"

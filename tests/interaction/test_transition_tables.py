"""The state tables of letters, disclosure requests and error reports, walked without a database.

Every (state, action, actor) of each table: allowed, or refused with a Chinese message that names the rule
and the article of the loaded locality's profile. What is expected is written out here from the
regulations (钦州办法第十九至二十一条, 《政府信息公开条例》第三十至三十三条, 酉阳办法第二十一条), not
read back from the table.
"""

from __future__ import annotations

import pytest

from govportal.interaction import transitions
from govportal.interaction.models import DisclosureState, ErrorState, LetterState
from govportal.interaction.rules import clear_cache
from govportal.interaction.transitions import DISCLOSURES, ERROR_REPORTS, LETTERS, refusal

L, D, E = LetterState, DisclosureState, ErrorState

# --- who is who: the rights (predicates of permissions.py) each kind of actor holds on the object --------

LETTER_ACTORS = {
    "centre": {"is_centre"},
    "lead_editor": {"is_lead_handler"},
    "lead_leader": {"is_lead_handler", "is_unit_leader"},
    "co_unit": {"is_co_handler"},
    "other_staff": set(),
    "writer": {"writer"},
}
DISCLOSURE_ACTORS = {
    "handler": {"can_handle_disclosure"},
    "office_head": {"can_handle_disclosure", "is_disclosure_approver"},
    "other_staff": set(),
    "applicant": {"applicant"},
}
ERROR_ACTORS = {
    "receiving_unit": {"is_error_centre", "is_error_handler"},
    "responsible_unit": {"is_error_handler"},
    "other_staff": set(),
}

LEAD = ("lead_editor", "lead_leader")
HANDLERS = ("handler", "office_head")

# action -> (states it may start from, actors who may take it)
LETTER_RULES = {
    "accept": ((L.RECEIVED,), ("centre",)),
    "reject": ((L.RECEIVED, L.RETURNED), ("centre",)),
    "merge": ((L.RECEIVED, L.RETURNED), ("centre",)),
    "dispatch": ((L.RECEIVED, L.RETURNED), ("centre",)),
    "return": ((L.DISPATCHED,), LEAD),
    "co_return": ((L.DISPATCHED,), ("co_unit",)),
    "opinion": ((L.DISPATCHED, L.REVIEW), ("co_unit",)),
    "assign": ((L.DISPATCHED, L.REVIEW), ("lead_leader",)),
    "save_draft": ((L.DISPATCHED,), LEAD),
    "submit_reply": ((L.DISPATCHED,), LEAD),
    "approve": ((L.REVIEW,), ("lead_leader",)),
    "send_back": ((L.REVIEW,), ("lead_leader",)),
    "publish": ((L.APPROVED,), ("centre",)),
    "unpublish": ((L.CONCLUDED,), ("centre",)),
    "request_extension": ((L.DISPATCHED, L.REVIEW), LEAD),
    "approve_extension": ((L.DISPATCHED, L.RETURNED, L.REVIEW, L.APPROVED), ("centre",)),
    "refuse_extension": ((L.DISPATCHED, L.RETURNED, L.REVIEW, L.APPROVED), ("centre",)),
    "rate": ((L.CONCLUDED,), ("writer",)),
}
DISCLOSURE_RULES = {
    "confirm": ((D.SUBMITTED,), HANDLERS),
    "correction": ((D.SUBMITTED, D.PROCESSING), HANDLERS),
    "submit_correction": ((D.CORRECTION,), ("applicant",)),
    "consult": ((D.PROCESSING,), HANDLERS),
    "end_consult": ((D.CONSULTING,), HANDLERS),
    "extension": ((D.PROCESSING, D.CONSULTING), HANDLERS),
    "approve_extension": ((D.PROCESSING, D.CONSULTING), ("office_head",)),
    "refuse_extension": ((D.PROCESSING, D.CONSULTING), ("office_head",)),
    "answer": ((D.PROCESSING, D.CORRECTION), HANDLERS),
    "answer_spot": ((D.SUBMITTED, D.PROCESSING), HANDLERS),
}
ERROR_RULES = {
    "forward": ((E.RECEIVED,), ("receiving_unit",)),
    "answer": ((E.FORWARDED,), ("receiving_unit", "responsible_unit")),
    "invalid": ((E.RECEIVED, E.FORWARDED), ("receiving_unit",)),
}

# The article each refusal cites, as the loaded profile words it.
QZ = "《钦州市人民政府门户网站管理办法》"
QINZHOU_LETTER_ARTICLES = {
    "accept": f"{QZ}第十九条",
    "reject": f"{QZ}第十九条",
    "merge": f"{QZ}第十九条",
    "dispatch": f"{QZ}第十九条",
    "return": f"{QZ}第十九条",
    "co_return": f"{QZ}第十九条",
    "opinion": f"{QZ}第二十条",
    "assign": f"{QZ}第二十条",
    "save_draft": f"{QZ}第二十条",
    "submit_reply": f"{QZ}第二十条",
    "approve": f"{QZ}第二十条",
    "send_back": f"{QZ}第二十条",
    "publish": f"{QZ}第十九条",
    "unpublish": f"{QZ}第二十一条",
    "request_extension": f"{QZ}第二十条",
    "approve_extension": f"{QZ}第十九条",
    "refuse_extension": f"{QZ}第十九条",
    "rate": f"{QZ}第二十条",
}
GK = "《政府信息公开条例》"
DISCLOSURE_ARTICLES = {
    "confirm": f"{GK}第三十一条",
    "correction": f"{GK}第三十条",
    "submit_correction": f"{GK}第三十条",
    "consult": f"{GK}第三十二条、第三十三条第三款",
    "end_consult": f"{GK}第三十二条、第三十三条第三款",
    "extension": f"{GK}第三十三条",
    "approve_extension": f"{GK}第三十三条",
    "refuse_extension": f"{GK}第三十三条",
    "answer": f"{GK}第三十三条",
    "answer_spot": f"{GK}第三十三条",
}
YOUYANG_ERROR_ARTICLE = "第二十一条"

TABLES = {
    "letter": (LETTER_RULES, LETTER_ACTORS, "qinzhou"),
    "disclosurerequest": (DISCLOSURE_RULES, DISCLOSURE_ACTORS, "qinzhou"),
    "errorreport": (ERROR_RULES, ERROR_ACTORS, "youyang"),
}
# One test per (table, action); each walks every state and every actor (the rules are loaded once per test).
CASES = [
    pytest.param(machine, action, id=f"{machine.name}-{action}")
    for machine in (LETTERS, DISCLOSURES, ERROR_REPORTS)
    for action in TABLES[machine.name][0]
]


def _expected_article(machine, action: str) -> str:
    if machine is LETTERS:
        return QINZHOU_LETTER_ARTICLES[action]
    if machine is DISCLOSURES:
        return DISCLOSURE_ARTICLES[action]
    return YOUYANG_ERROR_ARTICLE


@pytest.mark.parametrize(("machine", "action"), CASES)
def test_every_state_and_actor_is_allowed_or_refused_with_the_article(machine, action):
    rules, actors, locality = TABLES[machine.name]
    sources, who = rules[action]
    wrong = []
    walked = 0
    for state in machine.states.values:
        for actor, rights in actors.items():
            walked += 1
            message = refusal(machine, state, action, frozenset(rights), locality, unit="市教育局")
            case = f"{actor} {action} from {state}: {message!r}"
            if state in sources and actor in who:
                if message:
                    wrong.append("refused " + case)
                continue
            if not message:
                wrong.append("allowed " + case)
            elif _expected_article(machine, action) not in message:
                wrong.append("without the article " + case)
            elif locality != "qinzhou" and "钦州" in message:
                wrong.append("citing another locality " + case)
            elif actor not in who and not message.startswith(("只有", "答复须经", "延长答复期限须经")):
                wrong.append("not saying who may " + case)
            elif actor in who and f"当前状态为“{machine.state_label(state)}”，不能" not in message:
                wrong.append("not saying the state " + case)
    assert walked == len(machine.states.values) * len(actors)
    assert not wrong, "\n".join(wrong)


def test_the_tables_cover_the_models_states_and_every_action_has_a_step():
    import govportal.interaction.disclosure  # noqa: F401  (registers the steps)
    import govportal.interaction.error_reports  # noqa: F401
    import govportal.interaction.workflow  # noqa: F401

    for machine, rules in (
        (LETTERS, LETTER_RULES),
        (DISCLOSURES, DISCLOSURE_RULES),
        (ERROR_REPORTS, ERROR_RULES),
    ):
        assert {t.name for t in machine.transitions} == set(rules)
        for t in machine.transitions:
            assert set(t.sources) <= set(machine.states.values)
            assert t.target is None or t.target in machine.states.values
            assert t.who in transitions.RIGHTS
            assert (machine.name, t.name) in transitions._STEPS


def test_another_locality_cites_its_own_article_or_the_platform_default_never_qinzhous():
    clear_cache()
    weibin = refusal(LETTERS, L.DISPATCHED, "dispatch", frozenset({"is_centre"}), "weibin")
    assert "《渭滨区" in weibin or "第八条" in weibin
    assert "钦州" not in weibin and "第十九条" not in weibin
    # 渭滨's profile names no article for the deadline: the refusal says the platform's default rule applies
    weibin_ext = refusal(LETTERS, L.DISPATCHED, "request_extension", frozenset(), "weibin")
    assert "平台默认规则" in weibin_ext and "钦州" not in weibin_ext
    # 钦州's profile names no article for error reports: the platform default, not 酉阳's 第二十一条
    qinzhou_error = refusal(ERROR_REPORTS, E.ANSWERED, "forward", frozenset({"is_error_centre"}), "qinzhou")
    assert "平台默认规则" in qinzhou_error and "第二十一条" not in qinzhou_error


def test_an_unknown_action_is_refused_in_chinese():
    with pytest.raises(transitions.WorkflowError, match="未知的操作"):
        refusal(LETTERS, L.RECEIVED, "delete_everything", frozenset({"is_centre"}), "qinzhou")

"""Fixtures of the hostile suite: two units sharing a column, people of every role in each, and items
of the other unit to aim at. The sweeps are single tests over many URLs and payloads, so each builds its
world once (the suite must stay fast)."""

from __future__ import annotations

import pytest

from tests import factories

ROLES = ("editor", "section_chief", "deputy_leader", "principal_leader")
VICTIM_UNIT = "市人民政府办公室"
ATTACKER_UNIT = "市教育局"
SECRET_TITLE = "绝密测试条目ZXQ市政府办内部稿"
SECRET_BODY = "内部稿正文ZXQ仅限市政府办"


def person(unit_name: str, *roles: str, username: str, locality: str = "qinzhou"):
    """A person named ``username`` (the sweeps' tables name them), with an address."""
    return factories.person(unit_name, *roles, username=username, email=f"{username}@x.cn", locality=locality)


def shared_column(home, *unit_names: str):
    """A column the responsibility table gives to every unit named (e.g. 通知公告: 各责任单位)."""
    from govportal.accounts.models import Unit
    from govportal.portal.models import ColumnPage

    qs = ColumnPage.objects.descendant_of(home)
    for name in unit_names:
        qs = qs.filter(units=Unit.objects.get(locality=home.locality, name=name))
    return qs.order_by("path").first()


def victim_item(column, title=SECRET_TITLE, body=SECRET_BODY, *, live=True, **fields):
    """An item of 市人民政府办公室 in ``column`` (live unless told)."""
    from govportal.accounts.models import Unit
    from govportal.portal.models import ArticlePage

    unit = Unit.objects.get(locality="qinzhou", name=VICTIM_UNIT)
    page = ArticlePage(title=title, body=f"<p>{body}</p>", unit=unit, live=live, **fields)
    column.add_child(instance=page)
    page.save_revision()
    return page


@pytest.fixture
def world(db):
    """The attacker's unit (市教育局, every role) and the victim's (市人民政府办公室), a shared column and
    the victim's items in it; site-wide roles of the victim's side too."""
    from govportal.portal.columns import home_for

    home = home_for("qinzhou")

    class World:
        pass

    w = World()
    w.home = home
    w.column = shared_column(home, VICTIM_UNIT, ATTACKER_UNIT)
    w.item = victim_item(w.column)
    w.draft = victim_item(w.column, title=SECRET_TITLE + "草稿", live=False)
    w.attackers = {role: person(ATTACKER_UNIT, role, username=f"atk_{role}") for role in ROLES}
    w.victims = {role: person(VICTIM_UNIT, role, username=f"vic_{role}") for role in ROLES}
    w.victims["host_office"] = person(VICTIM_UNIT, "host_office", username="vic_host_office")
    w.site_admin = person("市人民政府办公室电子政务中心", "site_admin", username="sec_site_admin")
    return w


# --- the table of what was tried (written for the closing note) ---------------------------------------------

RESULTS: dict[str, list] = {"urls": [], "payloads": []}


def record_url(url: str, role: str, status: int, refused: bool, leaked: bool) -> None:
    RESULTS["urls"].append((url, role, status, refused, leaked))


def record_payload(target: str, payload: str, status: int, held: bool) -> None:
    RESULTS["payloads"].append((target, payload, status, held))


def pytest_sessionfinish(session, exitstatus):
    """Write the table of URLs × roles and payloads to $GOVPORTAL_SECURITY_TABLE (if set)."""
    import os
    from collections import Counter

    path = os.environ.get("GOVPORTAL_SECURITY_TABLE")
    if not path or not (RESULTS["urls"] or RESULTS["payloads"]):
        return
    lines = ["# Hostile suite: what was tried (written by tests/security)", ""]
    if RESULTS["urls"]:
        patterns = Counter(u for u, *_ in RESULTS["urls"])
        by_role = Counter()
        for _url, role, _status, refused, leaked in RESULTS["urls"]:
            by_role[(role, "tried")] += 1
            by_role[(role, "refused")] += refused
            by_role[(role, "leaked")] += leaked
        lines += [
            f"Back-office URLs from the resolver: {len(patterns)}, each requested as every role of another unit "
            "(市教育局) with path parameters filled by objects of 市人民政府办公室.",
            "",
            "| role | requests | refused (403/404/302) | answered without the other unit's content | leaked |",
            "|---|---|---|---|---|",
        ]
        for role in sorted({r for r, _ in by_role}):
            t, rf, lk = by_role[(role, "tried")], by_role[(role, "refused")], by_role[(role, "leaked")]
            lines.append(f"| {role} | {t} | {rf} | {t - rf - lk} | {lk} |")
        lines.append("")
    if RESULTS["payloads"]:
        by = Counter()
        for _target, payload, _status, held in RESULTS["payloads"]:
            by[(payload, "tried")] += 1
            by[(payload, "held")] += held
        lines += [
            "| payload | tried (forms × fields, query parameters) | held (no 500, not reflected raw, nothing half stored) |",
            "|---|---|---|",
        ]
        for payload in sorted({p for p, _ in by}):
            lines.append(f"| {payload} | {by[(payload, 'tried')]} | {by[(payload, 'held')]} |")
        lines.append("")
    # Everything after the marker is written by hand (the status, the cited clauses): kept.
    kept = ""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            existing = f.read()
        if MARKER in existing:
            kept = existing[existing.index(MARKER) :]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + ("\n" + kept if kept else ""))


MARKER = "<!-- written by hand below: kept when tests/security rewrites the tables above -->"

"""Loading a locality's policy profile builds its units and its whole column tree."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from govportal.accounts.models import Unit
from govportal.portal.columns import home_for, load, main_columns, with_paths
from govportal.portal.models import ArticlePage, ColumnPage, PortalSettings
from govportal.rules.profile import load_profile
from tests.conftest import column

pytestmark = pytest.mark.django_db

# Rows of each annex table as transcribed (see govportal/profiles/*/NOTES.md).
EXPECTED_COLUMNS = {"qinzhou": 238, "xiangshan": 291, "youyang": 47, "weibin": 119}
EXPECTED_UNITS = {"qinzhou": 63, "xiangshan": 34, "youyang": 12, "weibin": 35}


@pytest.mark.parametrize("code", sorted(EXPECTED_COLUMNS))
def test_each_profile_builds_its_whole_table(code):
    report = load(code)
    home = home_for(code)
    columns = with_paths(home, main_columns(home))
    assert len(columns) == EXPECTED_COLUMNS[code]
    assert Unit.objects.filter(locality=code).count() == EXPECTED_UNITS[code]
    # Every column carries what its table row says.
    profile = load_profile(code)
    by_path = dict(columns)
    for spec in profile.columns:
        page = by_path[spec.path]
        assert page.frequency_text == spec.frequency_text
        assert page.supply_method == spec.supply_method
        assert page.content_description == spec.content
        assert {u.code for u in page.lead_units.all()} == set(spec.lead_units)
        if spec.frequency is not None:
            assert page.frequency["kind"] == spec.frequency.kind
    if code != "qinzhou":  # qinzhou was loaded for the session already
        assert report.columns_created == EXPECTED_COLUMNS[code]


def test_column_levels_follow_the_annex(qinzhou):
    youth = column(qinzhou, "政府信息公开", "法定主动公开内容", "机构职能", "领导信息")
    assert youth.depth - qinzhou.depth == 4
    assert youth.frequency_text == "及时更新"
    assert [u.name for u in youth.units.all()] == ["市人民政府办公室"]
    overview = column(qinzhou, "概览钦州", "钦州概况")
    assert overview.frequency == {**overview.frequency, "kind": "max_gap", "amount": 6, "unit": "month"}
    assert [u.name for u in overview.lead_units.all()] == ["市人民政府办公室"]


def test_loading_twice_changes_nothing(qinzhou):
    pages_before = ColumnPage.objects.count()
    report = load("qinzhou")
    assert (report.columns_created, report.columns_updated, report.units_created) == (0, 0, 0)
    assert report.columns_unchanged == EXPECTED_COLUMNS["qinzhou"]
    assert ColumnPage.objects.count() == pages_before


def test_loading_onto_a_site_with_content_keeps_it(qinzhou):
    news = column(qinzhou, "动态信息", "政务要闻")
    item = ArticlePage(title="市政府召开常务会议", body="<p>会议内容</p>")
    news.add_child(instance=item)
    item.save_revision().publish()
    load("qinzhou")
    item.refresh_from_db()
    assert item.live and item.get_parent().pk == news.pk


def test_locality_settings_fill_the_footer(qinzhou):
    from wagtail.models import Site

    settings = PortalSettings.for_site(Site.objects.get(root_page=qinzhou))
    assert settings.host_unit == "市人民政府办公室"


def test_load_profile_command(capsys):
    call_command("load_profile", "youyang")
    out = capsys.readouterr().out
    assert "酉阳" in out and "栏目" in out


def test_unknown_profile_is_named(capsys):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="nowhere.*找不到 profile.toml.*qinzhou"):
        call_command("load_profile", "nowhere")


def test_bad_profile_is_refused_with_row(tmp_path):
    from django.core.management.base import CommandError

    src = load_profile("youyang").path
    bad = tmp_path / "badtown"
    bad.mkdir()
    toml = (
        (src / "profile.toml").read_text(encoding="utf-8").replace('code = "youyang"', 'code = "badtown"', 1)
    )
    (bad / "profile.toml").write_text(toml, encoding="utf-8")
    lines = (src / "columns.tsv").read_text(encoding="utf-8").splitlines()
    cells = lines[3].split("\t")
    cells[4] = "每隔一阵子"  # not an update-frequency phrase
    lines[3] = "\t".join(cells)
    (bad / "columns.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("load_profile", str(bad))
    assert "第4行" in str(exc.value) and "每隔一阵子" in str(exc.value)
    assert not Unit.objects.filter(locality="badtown").exists()

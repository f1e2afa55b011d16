"""Loading and validating policy profiles (profile.toml + columns.tsv)."""

from pathlib import Path

import pytest

from govportal.rules.frequency import Frequency
from govportal.rules.profile import (
    ColumnSpec,
    ProfileError,
    UnitSpec,
    available_profiles,
    column_rows,
    load_profile,
    parse_column_rows,
    read_columns_tsv,
    split_responsible,
    write_columns_tsv,
)

PROFILE_TOML = """
[locality]
code = "demo"
name = "示例县"
site_name = "示例县人民政府门户网站"
level = "county"
domain = "www.demo.gov.cn"
regulation = "示例县政府门户网站管理办法"
document_number = "示府办发〔2024〕1号"
seed = "999"
level_names = ["频道", "一级栏目", "二级栏目"]
notes = ["test profile"]

[[units]]
code = "gov-office"
name = "县人民政府办公室"
kind = "host_office"
aliases = ["县政府办"]

[[units]]
code = "data-center"
name = "县大数据中心"
kind = "operator"
parent = "gov-office"

[[units]]
code = "education"
name = "县教育局"
kind = "department"

[[units]]
code = "stats"
name = "县统计局"
kind = "department"
aliases = ["统计局"]

[[units]]
code = "town-a"
name = "甲镇"
kind = "town"

[groups]
"各责任单位" = ["department", "town"]
"各县、区人民政府" = ["town"]

[frequency]
timely = "14天"

[letters]
max_extensions = 1   # 第二十条
"""

HEADER = "频道\t一级栏目\t二级栏目\t具体内容\t更新频率\t保障单位\t保障方式\t链接\t备注"
ROWS = [
    "政务公开\t\t\t\t\t\t\t\t",
    "政务公开\t通知公告\t\t发布通知公告。\t及时更新\t县人民政府办公室牵头；各责任单位配合\t\t\t",
    "政务公开\t统计信息\t\t\t每月至少1条\t统计局、县教育局等责任单位\t直接发布\t\t",
    "政务公开\t统计信息\t统计公报\t\t1年\t县统计局\t\t\t",
    "办事服务\t\t\t\t\t\t\t\t",
    "办事服务\t网上办事\t\t\t无需更新\t县大数据中心\t跳转链接\thttp://zwfw.example.gov.cn/\t[重建] 原表模糊",
    "政策解读\t\t\t\t文件印发后5个工作日内\t县政府办\t审核发布\t\t",
]


def write_profile(
    tmp_path: Path, toml: str = PROFILE_TOML, rows: list[str] | None = None, code: str = "demo"
) -> Path:
    folder = tmp_path / code
    folder.mkdir()
    (folder / "profile.toml").write_text(toml, encoding="utf-8")
    (folder / "columns.tsv").write_text(
        "\n".join([HEADER, *(ROWS if rows is None else rows)]) + "\n", encoding="utf-8"
    )
    return folder


def problems_of(exc: pytest.ExceptionInfo) -> list[str]:
    return [str(p) for p in exc.value.problems]


# --- a valid profile -----------------------------------------------------------------------------


def test_valid_profile_loads(tmp_path):
    p = load_profile(write_profile(tmp_path))
    assert (p.code, p.name, p.level, p.seed) == ("demo", "示例县", "county", "999")
    assert p.level_names == ("频道", "一级栏目", "二级栏目")
    assert p.notes == ["test profile"]
    assert [u.code for u in p.units] == ["gov-office", "data-center", "education", "stats", "town-a"]
    assert p.unit("data-center").parent == "gov-office"
    assert p.find_unit("县政府办").code == "gov-office"
    assert p.frequency_timely == Frequency("max_gap", 14, "day")
    assert p.sections["letters"] == {"max_extensions": 1}
    assert p.sections["frequency"] == {"timely": "14天"}
    assert p.defaults_used == []
    assert len(p.columns) == 7


def test_columns_are_parsed_in_display_order_with_units_and_rows(tmp_path):
    p = load_profile(write_profile(tmp_path))
    notices = p.column("政务公开", "通知公告")
    assert notices.row == 3  # header is row 1
    assert notices.level == 2 and notices.name == "通知公告"
    assert notices.frequency.kind == "continuous"
    assert notices.lead_units == ("gov-office",)
    assert notices.units == ("gov-office",)
    assert notices.groups == ("各责任单位",)
    assert notices.supply_method == "直接发布"  # empty means 直接发布

    stats = p.column("政务公开", "统计信息")
    assert stats.units == ("stats", "education")  # alias 统计局 resolved, 等责任单位 dropped
    assert stats.lead_units == ()
    assert stats.frequency.count_rule() == (1, 1, "month")

    link = p.column("办事服务", "网上办事")
    assert link.supply_method == "跳转链接"
    assert link.url == "http://zwfw.example.gov.cn/"
    assert link.note == "[重建] 原表模糊"
    assert link.frequency.kind == "none"

    container = p.column("政务公开")
    assert container.frequency is None and container.frequency_text == ""

    assert [c.name for c in p.children()] == ["政务公开", "办事服务", "政策解读"]
    assert [c.name for c in p.children(["政务公开"])] == ["通知公告", "统计信息"]


def test_group_phrases_expand_to_units(tmp_path):
    p = load_profile(write_profile(tmp_path))
    assert p.group_unit_codes("各责任单位") == ("education", "stats", "town-a")
    notices = p.column("政务公开", "通知公告")
    assert p.responsible_unit_codes(notices) == ("gov-office", "education", "stats", "town-a")


def test_missing_timely_uses_the_platform_default_and_says_so(tmp_path):
    toml = PROFILE_TOML.replace('[frequency]\ntimely = "14天"\n', "")
    p = load_profile(write_profile(tmp_path, toml))
    assert p.frequency_timely == Frequency("max_gap", 14, "day")
    assert p.defaults_used == ["[frequency] timely 未配置，使用平台默认值「14天」"]


def test_load_by_path_to_profile_toml(tmp_path):
    folder = write_profile(tmp_path)
    assert load_profile(str(folder / "profile.toml")).code == "demo"


def test_unknown_code_names_what_exists():
    with pytest.raises(ProfileError) as exc:
        load_profile("no-such-place")
    assert "找不到 profile.toml" in str(exc.value)


# --- the column table: errors name row and field --------------------------------------------------


def test_unknown_unit_names_row_and_field(tmp_path):
    rows = list(ROWS)
    rows[2] = "政务公开\t统计信息\t\t\t每月至少1条\t统计局、县教委\t\t\t"
    with pytest.raises(ProfileError) as exc:
        load_profile(write_profile(tmp_path, rows=rows))
    assert problems_of(exc) == [
        "columns.tsv 第4行「保障单位」: 无法识别的单位「县教委」：请在 profile.toml 的 [[units]] 中登记其名称或别名，或在 [groups] 中登记该说法"
    ]


def test_bad_frequency_phrase_is_refused_at_load(tmp_path):
    rows = list(ROWS)
    rows[3] = "政务公开\t统计信息\t统计公报\t\t经常更新\t县统计局\t\t\t"
    with pytest.raises(ProfileError) as exc:
        load_profile(write_profile(tmp_path, rows=rows))
    [message] = problems_of(exc)
    assert message.startswith("columns.tsv 第5行「更新频率」: 无法识别的更新频率「经常更新」")
    assert "每周至少1条" in message  # lists the accepted forms


def test_all_problems_are_reported_together(tmp_path):
    rows = [
        "政务公开\t\t\t\t\t\t\t\t",
        "政务公开\t\t统计公报\t\t1年\t县统计局\t\t\t",  # empty level between filled ones
        "政务公开\t通知公告\t\t\t及时更新\t县政府办\t网站链接\t\t",  # bad supply method
        "政务公开\t通知公告\t\t\t及时更新\t县政府办\t\t\t",  # duplicate path
        "互动交流\t领导信箱\t\t\t按期答复\t县政府办\t\t\t",  # parent 互动交流 has no row
        "办事服务\t\t\t\t\t\t\t\t",
        "办事服务\t网上办事\t\t\t无需更新\t县大数据中心\t跳转链接\tzwfw.example\t",  # bad URL
    ]
    with pytest.raises(ProfileError) as exc:
        load_profile(write_profile(tmp_path, rows=rows))
    found = problems_of(exc)
    assert len(found) == 5
    assert found[0].startswith("columns.tsv 第3行「一级栏目」: 「一级栏目」为空，但其后的「二级栏目」有值")
    assert (
        found[1]
        == "columns.tsv 第4行「保障方式」: 保障方式「网站链接」无效，应为：直接发布、跳转链接、数据接口、服务接口、审核发布（留空即直接发布）"
    )
    assert found[2] == "columns.tsv 第5行「一级栏目」: 栏目「政务公开/通知公告」与第4行重复"
    assert found[3].startswith("columns.tsv 第6行「频道」: 上级栏目「互动交流」未列出")
    assert found[4].startswith(
        "columns.tsv 第8行「链接」: 链接「zwfw.example」应为 http:// 或 https:// 开头的网址，或以 / 开头的本站地址（如 /xinjian/）"
    )
    # The message of the exception lists them all, readable.
    text = str(exc.value)
    assert text.startswith("发现5处问题：")
    assert all(line in text for line in found)


def test_parent_listed_after_its_child_says_where(tmp_path):
    rows = ["政务公开\t通知公告\t\t\t及时更新\t县政府办\t\t\t", "政务公开\t\t\t\t\t\t\t\t"]
    with pytest.raises(ProfileError) as exc:
        load_profile(write_profile(tmp_path, rows=rows))
    assert problems_of(exc) == ["columns.tsv 第2行「频道」: 上级栏目「政务公开」在第3行，须排在下级栏目之前"]


def test_wrong_header_is_refused(tmp_path):
    folder = write_profile(tmp_path)
    (folder / "columns.tsv").write_text(
        "频道\t一级栏目\t具体内容\t更新周期\t保障单位\n政务公开\t\t\t\t\n", encoding="utf-8"
    )
    with pytest.raises(ProfileError) as exc:
        load_profile(folder)
    found = problems_of(exc)
    assert any(p.startswith("columns.tsv 第1行「更新周期」: 未知的表头「更新周期」") for p in found)
    assert any(p.startswith("columns.tsv 第1行「二级栏目」: 缺少表头「二级栏目」") for p in found)
    assert any(p.startswith("columns.tsv 第1行「更新频率」: 缺少表头「更新频率」") for p in found)


def test_lead_marker_on_a_group_phrase_is_refused():
    with pytest.raises(ProfileError, match="「各责任单位」是泛指的单位群组，不能作为牵头单位"):
        parse_column_rows(
            [["栏目", "具体内容", "更新频率", "保障单位"], ["通知", "", "", "各责任单位牵头"]],
            level_names=["栏目"],
            units=[],
            groups={"各责任单位": ["department"]},
        )


# --- responsible units ----------------------------------------------------------------------------

UNITS = [
    UnitSpec("gov-office", "市人民政府办公室", "host_office", ("市政府办",)),
    UnitSpec("propaganda", "市委宣传部", "department"),
    UnitSpec("chronicles", "市地方志办", "department"),
    UnitSpec("approval", "市行政审批局", "department"),
]
GROUPS = {"各责任单位": ["department"], "各县、区人民政府": ["town"]}


@pytest.mark.parametrize(
    ("cell", "units", "leads", "groups"),
    [
        (
            "市人民政府办公室牵头；市委宣传部，市地方志办等责任单位配合",
            ("gov-office", "propaganda", "chronicles"),
            ("gov-office",),
            (),
        ),
        ("市行政审批局牵头; 各责任单位配合", ("approval",), ("approval",), ("各责任单位",)),
        ("市政府办、市行政审批局负责", ("gov-office", "approval"), (), ()),
        ("各县、区人民政府", (), (), ("各县、区人民政府",)),  # a phrase containing a separator
        ("市委宣传部等", ("propaganda",), (), ()),
        ("各责任单位配合。", (), (), ("各责任单位",)),
        ("市委 宣传部", ("propaganda",), (), ()),
        ("", (), (), ()),
    ],
)
def test_split_responsible(cell, units, leads, groups):
    assert split_responsible(cell, UNITS, GROUPS) == (units, leads, groups, ())


def test_split_responsible_reports_unknown_parts():
    assert split_responsible("市委宣传部、市教委等责任单位", UNITS, GROUPS)[3] == ("市教委",)


# --- the same parser for an uploaded sheet, and the export ---------------------------------------


def test_parse_rows_as_dicts_like_an_uploaded_sheet():
    rows = [
        {"栏目": "通知公告", "具体内容": "通知", "更新频率": "及时更新", "保障单位": "市政府办"},
        {
            "栏目": "政策解读",
            "具体内容": None,
            "更新频率": "文件印发后5个工作日内",
            "保障单位": "市行政审批局",
        },
    ]
    specs = parse_column_rows(rows, level_names=["栏目"], units=UNITS, groups=GROUPS, source="上传.xlsx")
    assert [(s.path, s.row, s.units) for s in specs] == [
        (("通知公告",), 2, ("gov-office",)),
        (("政策解读",), 3, ("approval",)),
    ]
    with pytest.raises(ProfileError) as exc:
        parse_column_rows(
            [{"栏目": "通知公告", "具体内容": "", "更新频率": "偶尔", "保障单位": ""}],
            level_names=["栏目"],
            units=UNITS,
            groups=GROUPS,
            source="上传.xlsx",
        )
    assert str(exc.value.problems[0]).startswith("上传.xlsx 第2行「更新频率」: 无法识别的更新频率「偶尔」")


def test_sheet_cells_are_cleaned():
    rows = [
        ["栏目", "子栏目", "具体内容", "更新频率", "保障单位", "保障方式", None],
        ["通知公告", None, "内容", "文件印发后5 个工作日内", "市政府\n办", "直接发布", None],
        [None, None, None, None, None, None, None],  # blank rows are skipped
        [" 通知公告 ", "公示", 2024.0, "", "", "", ""],
    ]
    specs = parse_column_rows(rows, level_names=["栏目", "子栏目"], units=UNITS, groups=GROUPS)
    assert specs[0].frequency_text == "文件印发后5个工作日内"  # stored without spaces
    assert specs[0].units == ("gov-office",)  # a wrapped cell is joined
    assert specs[1].row == 4
    assert specs[1].path == ("通知公告", "公示")
    assert specs[1].content == "2024"


def test_a_cell_outside_the_header_is_reported():
    rows = [["栏目", "具体内容", "更新频率", "保障单位", ""], ["通知公告", "", "", "", "多余"]]
    with pytest.raises(ProfileError) as exc:
        parse_column_rows(rows, level_names=["栏目"], units=UNITS, groups=GROUPS)
    assert problems_of(exc) == ["columns.tsv 第2行「第5列」: 单元格「多余」所在列没有表头"]


def test_export_round_trip_is_lossless(tmp_path):
    p = load_profile(write_profile(tmp_path))
    rows = column_rows(p.columns, p.level_names)
    assert rows[0] == [
        "频道",
        "一级栏目",
        "二级栏目",
        "具体内容",
        "更新频率",
        "保障单位",
        "保障方式",
        "链接",
        "备注",
    ]
    again = parse_column_rows(rows, level_names=p.level_names, units=p.units, groups=p.groups)
    assert again == p.columns
    out = tmp_path / "export.tsv"
    write_columns_tsv(out, p.columns, p.level_names)
    assert (
        parse_column_rows(read_columns_tsv(out), level_names=p.level_names, units=p.units, groups=p.groups)
        == p.columns
    )


def test_tsv_export_refuses_a_cell_with_a_line_break():
    col = ColumnSpec(path=("通知",), content="第一行\n第二行", row=2)
    with pytest.raises(ValueError, match="换行"):
        write_columns_tsv("/dev/null", [col], ["栏目"])


# --- profile.toml validation ------------------------------------------------------------------------


def test_profile_toml_problems_name_the_file_and_field(tmp_path):
    toml = (
        PROFILE_TOML.replace('level = "county"', 'level = "province"')
        .replace('kind = "town"', 'kind = "village"')
        .replace('code = "stats"', 'code = "education"')
        .replace('aliases = ["统计局"]', 'aliases = ["县政府办"]')
        .replace('parent = "gov-office"', 'parent = "nobody"')
        .replace('"各县、区人民政府" = ["town"]', '"各县、区人民政府" = ["towns"]')
        .replace('timely = "14天"', 'timely = "每周至少1条"')
    )
    with pytest.raises(ProfileError) as exc:
        load_profile(write_profile(tmp_path, toml))
    found = problems_of(exc)
    expected = [
        "profile.toml「locality.level」: 「province」无效，应为：city、district、county",
        "profile.toml「units[4]（县统计局）.code」: 单位代码「education」与 units[3] 重复",
        "profile.toml「units[5]（甲镇）.kind」: 单位类别「village」无效，应为：host_office、operator、department、town、co_supervisor、media、enterprise、other",
        "profile.toml「units[2]（县大数据中心）.parent」: 上级单位代码「nobody」不存在",
        "profile.toml「groups.各县、区人民政府」: 「towns」既不是单位类别（host_office、operator、department、town、co_supervisor、media、enterprise、other）也不是已登记的单位代码",
        "profile.toml「frequency.timely」: 「每周至少1条」须是最长间隔，如「14天」「1个月」「10个工作日」",
    ]
    for line in expected:
        assert line in found
    assert len(found) == len(expected)


def test_duplicate_alias_is_refused(tmp_path):
    toml = PROFILE_TOML.replace('aliases = ["统计局"]', 'aliases = ["县政府办"]')
    with pytest.raises(ProfileError) as exc:
        load_profile(write_profile(tmp_path, toml))
    assert problems_of(exc) == [
        "profile.toml「units[4]（县统计局）.aliases」: 「县政府办」已是 units[1]（县人民政府办公室）的名称或别名"
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('name = "示例县"\n', ""), "profile.toml「locality.name」: 缺少必填字段"),
        (
            ('code = "demo"', 'code = "Demo County"'),
            "profile.toml「locality.code」: 「Demo County」应为小写英文字母、数字、- 或 _",
        ),
        (
            ('code = "demo"', 'code = "other"'),
            "profile.toml「locality.code」: 「other」与所在文件夹名「demo」不一致",
        ),
        (
            (
                'level_names = ["频道", "一级栏目", "二级栏目"]',
                'level_names = ["一", "二", "三", "四", "五", "六"]',
            ),
            "profile.toml「locality.level_names」: 栏目层级须为1至5级，现有6级",
        ),
        (
            ('level_names = ["频道", "一级栏目", "二级栏目"]', "level_names = []"),
            "profile.toml「locality.level_names」: 栏目层级须为1至5级，现有0级",
        ),
        (('seed = "999"', 'seed = "999"\nprovince = "x"'), "profile.toml「locality.province」: 未知字段"),
        (
            ('timely = "14天"', 'timely = "有空就更新"'),
            "profile.toml「frequency.timely」: 无法识别的更新频率「有空就更新」",
        ),
        (
            ('"各责任单位" = ["department", "town"]', '"统计局" = ["department"]'),
            "profile.toml「groups.统计局」: 「统计局」已是单位「县统计局」的名称或别名",
        ),
    ],
)
def test_profile_toml_field_errors(tmp_path, change, expected):
    old, new = change
    assert old in PROFILE_TOML
    rows = ROWS if "各责任单位" not in old else [r.replace("；各责任单位配合", "") for r in ROWS]
    with pytest.raises(ProfileError) as exc:
        load_profile(write_profile(tmp_path, PROFILE_TOML.replace(old, new), rows=rows))
    assert any(p.startswith(expected) for p in problems_of(exc)), problems_of(exc)


def test_toml_syntax_error_names_the_line(tmp_path):
    with pytest.raises(ProfileError) as exc:
        load_profile(write_profile(tmp_path, PROFILE_TOML.replace('name = "示例县"', "name = 示例县")))
    [problem] = exc.value.problems
    assert problem.source == "profile.toml" and problem.row == 4
    assert "TOML 语法错误" in str(problem)


def test_missing_columns_file(tmp_path):
    folder = write_profile(tmp_path)
    (folder / "columns.tsv").unlink()
    with pytest.raises(ProfileError, match="缺少栏目责任表 columns.tsv"):
        load_profile(folder)


# --- the shipped profiles ----------------------------------------------------------------------------


def test_available_profiles_lists_folders_with_a_profile_toml(tmp_path):
    write_profile(tmp_path)
    (tmp_path / "empty").mkdir()
    assert available_profiles(tmp_path) == ["demo"]
    assert available_profiles(tmp_path / "missing") == []


SHIPPED = available_profiles()


@pytest.mark.skipif(not SHIPPED, reason="no shipped profile yet")
@pytest.mark.parametrize("code", SHIPPED or ["-"])
def test_shipped_profile_loads(code):
    p = load_profile(code)
    assert p.code == code
    assert p.units and p.columns
    assert p.frequency_timely.kind == "max_gap"
    # every column's path starts at the top level and its ancestors come first
    seen = set()
    for c in p.columns:
        assert c.parent_path == () or c.parent_path in seen
        seen.add(c.path)
    # the export reads back to the same table
    assert (
        parse_column_rows(
            column_rows(p.columns, p.level_names), level_names=p.level_names, units=p.units, groups=p.groups
        )
        == p.columns
    )

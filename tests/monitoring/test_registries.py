"""The registries administrators maintain decide what the checker finds, and every process follows
their changes."""

from __future__ import annotations

import io

import pytest

from govportal.monitoring.models import (
    AllowedDomain,
    BlockedDomain,
    FixedExpression,
    Leader,
    RegistryVersion,
    SensitiveWord,
)
from govportal.monitoring.registries import ImportError_, export_xlsx, import_file, seed_registries
from govportal.monitoring.textcheck import check_text, checker

pytestmark = pytest.mark.django_db


def kinds(text, locality="qinzhou"):
    return [(f.kind, f.text) for f in check_text(text, locality)]


def test_starter_lists_are_copied_in_on_first_use_and_only_once():
    assert not SensitiveWord.objects.exists()
    assert ("sensitive", "代开发票") in kinds("本店可代开发票。")
    words = SensitiveWord.objects.count()
    assert words > 20 and SensitiveWord.objects.filter(term="代开发票", shipped=True).exists()
    assert FixedExpression.objects.filter(wrong="中国人民共和国", correct="中华人民共和国").exists()
    assert Leader.objects.filter(name="李强").exists()
    assert AllowedDomain.objects.filter(domain="people.com.cn").exists()
    # running the seed again (a command after an upgrade) adds nothing and keeps administrators' edits
    SensitiveWord.objects.filter(term="代开发票").update(severity="warning", note="本地改过")
    seed_registries()
    assert SensitiveWord.objects.count() == words
    assert SensitiveWord.objects.get(term="代开发票").note == "本地改过"


def test_adding_a_sensitive_word_is_found_at_once_and_disabling_it_stops_it():
    text = "近期出现“跨境赌球”推广信息，请群众提高警惕。"
    assert not any(k == "sensitive" for k, _ in kinds(text))
    word = SensitiveWord.objects.create(
        term="跨境赌球", category="赌博", severity="blocking", suggestion="删除"
    )
    found = [f for f in check_text(text, "qinzhou") if f.kind == "sensitive"]
    assert [(f.text, f.severity, f.suggestion) for f in found] == [("跨境赌球", "blocking", "删除")]
    word.enabled = False
    word.save()
    assert not any(k == "sensitive" for k, _ in kinds(text))


def test_an_exception_written_in_the_registry_stops_a_false_alarm():
    SensitiveWord.objects.create(term="赌球", category="赌博", exceptions="打击赌球\n赌球犯罪")
    assert ("sensitive", "赌球") in kinds("有人在群里组织赌球。")
    assert not any(k == "sensitive" for k, _ in kinds("公安机关开展打击赌球专项行动。"))


def test_a_words_locality_limits_where_it_applies():
    SensitiveWord.objects.create(term="钦州特供", locality="qinzhou")
    assert ("sensitive", "钦州特供") in kinds("钦州特供产品", "qinzhou")
    assert not any(k == "sensitive" for k, _ in kinds("钦州特供产品", "youyang"))


def test_editing_a_fixed_expression_changes_the_suggestion():
    checker("qinzhou")  # seeds
    expr = FixedExpression.objects.get(wrong="中国人民共和国")
    assert [f.suggestion for f in check_text("中国人民共和国成立", "qinzhou") if f.kind == "expression"] == [
        "中华人民共和国"
    ]
    FixedExpression.objects.create(wrong="钦洲市", correct="钦州市", category="地名", severity="blocking")
    found = {f.text: f for f in check_text("钦洲市人民政府召开会议", "qinzhou")}
    assert found["钦洲市"].suggestion == "钦州市" and found["钦洲市"].blocking
    expr.delete()
    assert not any(f.kind == "expression" for f in check_text("中国人民共和国成立", "qinzhou"))


def test_a_local_leader_with_an_outdated_title_is_caught():
    Leader.objects.create(name="王建设", titles="市长\n市委副书记", outdated="副市长", locality="qinzhou")
    found = [f for f in check_text("副市长王建设出席会议并讲话。", "qinzhou") if f.kind == "leader_title"]
    assert found and found[0].blocking and "王建设" in found[0].text
    assert not [f for f in check_text("市长王建设出席会议并讲话。", "qinzhou") if f.kind == "leader_title"]


def test_link_domains_from_the_registries():
    text = "详见 http://www.bad-casino.example/play 和 https://www.example.org/a"
    assert not any(f.kind == "link" for f in check_text(text, "qinzhou"))
    BlockedDomain.objects.create(domain="bad-casino.example", note="网信办通报")
    links = [f for f in check_text(text, "qinzhou") if f.kind == "link"]
    assert [(f.text, f.severity) for f in links] == [("http://www.bad-casino.example/play", "blocking")]
    # a column that may only link to government sites: non-government links are reported, unless allowed
    strict = [
        f.text for f in check_text(text, "qinzhou", forbid_non_gov=True) if f.subkind == "非政府网站链接"
    ]
    assert strict == ["https://www.example.org/a"]
    AllowedDomain.objects.create(domain="example.org")
    assert not [f for f in check_text(text, "qinzhou", forbid_non_gov=True) if f.subkind == "非政府网站链接"]


def test_domain_entries_are_normalised_and_bad_ones_refused():
    from django.core.exceptions import ValidationError

    d = BlockedDomain(domain="HTTPS://Bad.Example/path")
    d.full_clean()
    assert d.domain == "bad.example"
    with pytest.raises(ValidationError, match="不是有效的域名"):
        BlockedDomain(domain="不是域名").full_clean()


def test_leader_validation_names_the_problem():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="同时写在现任职务和已不再担任的职务中"):
        Leader(name="张三", titles="市长", outdated="市长").full_clean()


def test_the_cache_follows_a_change_made_by_another_process():
    """Another process edits the registry (here: rows written without signals, then its version bump):
    this process's cached checker is rebuilt at the next check."""
    first = checker("qinzhou")
    assert checker("qinzhou") is first  # cached while nothing changes
    SensitiveWord.objects.bulk_create([SensitiveWord(term="跨进程新增词")])  # no signal in this process
    assert not any(f.text == "跨进程新增词" for f in check_text("跨进程新增词", "qinzhou"))
    RegistryVersion.objects.filter(key=RegistryVersion.KEY).update(version=99, token="bumped-elsewhere")
    assert checker("qinzhou") is not first
    assert any(f.text == "跨进程新增词" for f in check_text("跨进程新增词", "qinzhou"))


def test_import_from_the_shipped_tsv_format():
    content = "# 注释\n网络赌博平台\t赌博\tblocking\t删除\t说明\n刷脸贷\t诈骗\n".encode()
    report = import_file("sensitive", content)
    assert (report.created, report.updated) == (2, 0)
    assert SensitiveWord.objects.get(term="刷脸贷").severity == "warning"
    report = import_file("sensitive", "刷脸贷\t诈骗\tblocking\n".encode())
    assert (report.created, report.updated) == (0, 1)
    assert SensitiveWord.objects.get(term="刷脸贷").severity == "blocking"
    assert ("sensitive", "网络赌博平台") in kinds("警惕网络赌博平台")


def test_import_refuses_a_bad_file_with_a_chinese_message_and_imports_nothing():
    before = SensitiveWord.objects.count()
    with pytest.raises(ImportError_, match="严重程度只能是"):
        import_file("sensitive", "好词\t类别\t很严重\n坏词\t类别\tblocking\n".encode())
    assert SensitiveWord.objects.count() == before
    with pytest.raises(ImportError_, match="格式有误"):
        import_file("leaders", b"[[leader]\nname=")


def test_import_leaders_from_toml_and_domains_from_a_list():
    toml = '[[leader]]\nname = "李明"\ntitles = ["县长"]\noutdated = ["副县长"]\n'.encode()
    import_file("leaders", toml, locality="qinzhou")
    leader = Leader.objects.get(name="李明")
    assert leader.locality == "qinzhou" and leader.titles == "县长" and leader.outdated == "副县长"
    import_file("blocked", b"# list\nbad1.example  # from a notice\nhttp://bad2.example/x\n")
    assert set(BlockedDomain.objects.values_list("domain", flat=True)) == {"bad1.example", "bad2.example"}


def test_export_xlsx_has_one_sheet_per_registry():
    from openpyxl import load_workbook

    checker("qinzhou")
    wb = load_workbook(io.BytesIO(export_xlsx()))
    assert wb.sheetnames == [
        "敏感词库",
        "规范表述库",
        "领导人姓名职务库",
        "链接黑名单",
        "非政府网站链接白名单",
    ]
    rows = list(wb["规范表述库"].iter_rows(values_only=True))
    assert rows[0][:2] == ("错误写法", "正确写法")
    assert ("中国人民共和国", "中华人民共和国") in {r[:2] for r in rows}


def test_registry_admin_is_for_site_admins_and_host_office(client, make_person):
    url = "/admin/snippets/monitoring/sensitiveword/"
    client.force_login(make_person("市教育局", "editor"))
    assert client.get(url).status_code in (302, 403)
    client.force_login(make_person("市人民政府办公室", "host_office"))
    assert client.get(url).status_code == 200
    admin = make_person("市人民政府办公室电子政务中心", "site_admin")
    client.force_login(admin)
    resp = client.post(
        "/admin/snippets/monitoring/sensitiveword/add/",
        {
            "term": "后台新增词",
            "category": "测试",
            "severity": "blocking",
            "suggestion": "",
            "exceptions": "",
            "note": "",
            "locality": "",
            "enabled": "on",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    assert any(f.text == "后台新增词" for f in check_text("出现后台新增词", "qinzhou"))


def test_registry_tools_page_imports_and_exports(client, make_person):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(make_person("市人民政府办公室电子政务中心", "site_admin"))
    page = client.get("/admin/textcheck/registries/")
    assert "敏感词库" in page.content.decode()
    resp = client.post(
        "/admin/textcheck/registries/",
        {
            "kind": "expressions",
            "locality": "qinzhou",
            "file": SimpleUploadedFile("e.tsv", "钦洲\t钦州\t地名\tblocking\n".encode()),
        },
    )
    assert "新增 1 条" in resp.content.decode()
    assert FixedExpression.objects.get(wrong="钦洲").locality == "qinzhou"
    bad = client.post(
        "/admin/textcheck/registries/",
        {"kind": "expressions", "locality": "", "file": SimpleUploadedFile("e.tsv", "只有一列\n".encode())},
    )
    assert "缺少正确写法" in bad.content.decode()
    export = client.get("/admin/textcheck/registries/export/")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")

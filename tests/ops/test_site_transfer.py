"""``govportal site-export`` / ``govportal site-import``: a county's site moved in one archive.

The round trip builds a small site (the 酉阳 profile: its units and column tree, plus items with rich text,
an image, an attached document, a draft and a redirect), exports it, imports it under another host name and
locality on the same database, and compares what a web team would check: the same column tree with update
frequencies and responsible units, the same items with the same texts and dates, the same document bytes;
the imported item's public page answers; imported staff see only their own site; the source is untouched.
Hostile archives (a tampered member, a path leaving the archive, an unknown format version, a host name
already in use, a script in rich text, a disguised file) are refused with a Chinese message and leave
nothing behind.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.utils.html import strip_tags
from PIL import Image as PILImage
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import GroupPagePermission, Page, Site

from govportal.accounts.models import AccountSecurity, Staff, Unit
from govportal.accounts.passwords import password_change_reason, record_password_set
from govportal.ops.site_transfer import TransferError, export_site, import_site
from govportal.portal.columns import home_for, load, main_columns, with_paths
from govportal.portal.models import ArticlePage, ColumnPage, HomePage
from tests.portal.kinds import publish

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png() -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (8, 6), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def media(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    monkeypatch.setenv("GOVPORTAL_PROFILES_DIR", str(tmp_path / "profiles"))
    return tmp_path


@pytest.fixture
def county(db, media):
    """The 酉阳 site with a few items, an image, a document, a draft, a redirect and two staff."""
    load("youyang")
    home = home_for("youyang")
    site = Site.objects.get(root_page=home)
    columns = list(main_columns(home).filter(units__isnull=False).distinct()[:2])
    image = get_image_model().objects.create(title="县城全景", file=ContentFile(_png(), name="quanjing.png"))
    doc = get_document_model().objects.create(title="实施方案", file=ContentFile(PDF, name="fangan.pdf"))
    unit = columns[0].units.first()
    first = publish(
        columns[0],
        ArticlePage,
        "酉阳县召开2026年防汛工作会议",
        body=f'<p>会议部署防汛工作。</p><embed embedtype="image" format="fullwidth" id="{image.pk}" alt="全景"/>',
        unit=unit,
        image=image,
        attachments=[("attachment", {"title": "实施方案", "document": doc.pk})],
        date=timezone.now() - timedelta(days=3),
    )
    second = publish(
        columns[1],
        ArticlePage,
        "酉阳县发布2026年民生实事清单",
        body=f'<p>详见<a linktype="page" id="{first.pk}">防汛会议</a>。</p>',
        date=timezone.now() - timedelta(days=1),
    )
    draft = ArticlePage(title="尚未发布的稿件", body="<p>草稿正文</p>", live=False)
    columns[1].add_child(instance=draft)
    draft.save_revision()
    Redirect.objects.create(site=site, old_path="/old-flood", redirect_page=first)
    User = get_user_model()
    admin_unit = Unit.objects.get(locality="youyang", name="县政府电子政务管理中心")
    people = []
    for name, roles, u in (("yy_admin", ["site_admin"], admin_unit), ("yy_editor", ["editor"], unit)):
        user = User.objects.create_user(name, password="Old@Pass2026", first_name="张")
        Staff.objects.create(user=user, unit=u, roles=roles, phone="13800000000")
        Staff.objects.get(user=user).sync_groups()
        people.append(user)
    return {"home": home, "site": site, "first": first, "second": second, "draft": draft, "doc": doc}


def _tree(home):
    out = []
    for path, col in with_paths(home, main_columns(home)):
        out.append(
            (
                path,
                col.frequency_text,
                json.dumps(col.frequency, sort_keys=True),
                col.responsible_text,
                sorted(u.code for u in col.units.all()),
                sorted(u.code for u in col.lead_units.all()),
            )
        )
    return out


def _items(home):
    rows = []
    for p in ArticlePage.objects.descendant_of(home).order_by("path"):
        rows.append(
            (
                p.path[len(home.path) :],
                p.title,
                p.live,
                strip_tags(p.body),
                p.date,
                p.first_published_at,
                p.last_published_at,
                p.unit.code if p.unit else None,
                p.slug,
            )
        )
    return rows


def _snapshot():
    return (
        Page.objects.count(),
        Unit.objects.count(),
        Site.objects.count(),
        get_image_model().objects.count(),
        get_document_model().objects.count(),
        Redirect.objects.count(),
        Staff.objects.count(),
    )


def test_round_trip_under_another_host_name(county, media, client):
    home = county["home"]
    source_tree, source_items = _tree(home), _items(home)
    archive = media / "youyang.zip"
    call_command("site_export", site=county["site"].hostname, out=str(archive), with_staff=True)

    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["format"] == 1 and manifest["source_hostname"] == county["site"].hostname
        for name, meta in manifest["members"].items():
            assert hashlib.sha256(zf.read(name)).hexdigest() == meta["sha256"]
        staff = json.loads(zf.read("staff.json"))
        assert {s["username"] for s in staff} == {"yy_admin", "yy_editor"}
        assert not any("password" in s or "phone" in s for s in staff)  # personal data stays home
    assert manifest["counts"]["documents"] == 1 and manifest["counts"]["images"] == 1

    out = io.StringIO()
    call_command("site_import", str(archive), hostname="yy-copy.test", locality="yycopy", stdout=out)
    assert "publish-site --site yy-copy.test" in out.getvalue()  # the import says how to publish
    new_site = Site.objects.get(hostname="yy-copy.test")
    new_home = new_site.root_page.specific
    assert isinstance(new_home, HomePage) and new_home.locality == "yycopy"

    # Same column tree, frequencies and responsible units (units by code, now of the new locality).
    assert _tree(new_home) == source_tree
    assert Unit.objects.filter(locality="yycopy").count() == Unit.objects.filter(locality="youyang").count()
    # Same items, texts and dates; published stays published, the draft stays a draft.
    assert _items(new_home) == source_items
    copy_first = ArticlePage.objects.descendant_of(new_home).get(title=county["first"].title)
    copy_second = ArticlePage.objects.descendant_of(new_home).get(title=county["second"].title)
    assert copy_first.live_revision_id and copy_first.image_id != county["first"].image_id
    # Links and attachments point at the copies, not at the source's pages and files.
    assert f'id="{copy_first.pk}"' in copy_second.body
    new_doc = copy_first.attachments[0].value["document"]
    assert new_doc.pk != county["doc"].pk
    with new_doc.file.open("rb") as f:
        assert f.read() == PDF
    assert f'id="{copy_first.image_id}"' in copy_first.body
    assert Redirect.objects.get(site=new_site, old_path="/old-flood").redirect_page_id == copy_first.pk

    # The public item page of the new site answers with the item.
    response = client.get(copy_first.get_url(), HTTP_HOST="yy-copy.test")
    assert response.status_code == 200
    assert "酉阳县召开2026年防汛工作会议" in response.content.decode()

    # Imported staff: a new password at first login; the back office shows only their site.
    passwords = dict(line.split("\t") for line in out.getvalue().splitlines() if line.startswith("  "))
    admin_name = next(n.strip() for n in passwords if n.strip().startswith("yy_admin"))
    admin = Staff.objects.get(user__username=admin_name)
    assert admin.unit.locality == "yycopy" and admin.roles == ["site_admin"]
    assert AccountSecurity.objects.get(user=admin.user).must_change_password
    assert password_change_reason(admin.user)
    client.force_login(admin.user)
    first_visit = client.get(f"/admin/pages/{new_home.pk}/")
    assert first_visit.status_code == 302 and "/admin/security/password/" in first_visit.url
    admin.user.set_password("Xin@Mima2026")
    admin.user.save()
    record_password_set(admin.user)
    client.force_login(admin.user)  # a new password ends the session
    explorer = client.get(f"/admin/pages/{new_home.pk}/")
    assert explorer.status_code == 200, explorer.get("Location")
    assert client.get(f"/admin/pages/{home.pk}/edit/").status_code in (302, 403)
    assert client.get(f"/admin/pages/{new_home.pk}/edit/").status_code == 200

    # The source site is untouched.
    assert _tree(home) == source_tree and _items(home) == source_items
    assert Site.objects.filter(hostname=county["site"].hostname, root_page=home).exists()


def _rewrite(archive, out, change, *, fix_checksum=True):
    with zipfile.ZipFile(archive) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    manifest = json.loads(members.pop("manifest.json"))
    change(members, manifest)
    if fix_checksum:
        manifest["members"] = {
            n: {"size": len(d), "sha256": hashlib.sha256(d).hexdigest()} for n, d in members.items()
        }
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        for name, data in members.items():
            zf.writestr(name, data)
    return out


def _refused(path, message, **kwargs):
    before = _snapshot()
    with pytest.raises(TransferError) as exc:
        import_site(path, hostname=kwargs.pop("hostname", "yy-copy.test"), locality="yycopy", **kwargs)
    assert message in str(exc.value)
    assert "未导入任何内容" in str(exc.value) or message in str(exc.value)
    assert _snapshot() == before
    assert not Site.objects.filter(hostname="yy-copy.test").exists()
    return str(exc.value)


@pytest.fixture
def exported(county, media):
    path = media / "youyang.zip"
    export_site(county["site"].hostname, path)
    return path


def test_a_tampered_member_is_refused(exported, media):
    def tamper(members, manifest):
        members["pages.json"] = members["pages.json"].replace("防汛".encode(), "抗旱".encode())

    bad = _rewrite(exported, media / "bad.zip", tamper, fix_checksum=False)
    _refused(bad, "校验值（SHA-256）与清单不符")


def test_path_traversal_and_absolute_members_are_refused(exported, media):
    for name in ("../../etc/cron.d/x", "/etc/passwd", "files\\..\\x", "files/./x"):

        def add(members, manifest, name=name):
            members[name] = b"x"

        bad = _rewrite(exported, media / "bad.zip", add)
        _refused(bad, "不安全的条目")


def test_a_symbolic_link_member_is_refused(exported, media):
    bad = media / "link.zip"
    with zipfile.ZipFile(exported) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        link = zipfile.ZipInfo("files/documents/link")
        link.external_attr = (0o120777 << 16) | 0
        dst.writestr(link, "/etc/passwd")
    _refused(bad, "不安全的条目")


def test_an_unknown_format_version_is_refused(exported, media):
    def future(members, manifest):
        manifest["format"] = 99

    _refused(_rewrite(exported, media / "v99.zip", future), "格式版本 99 不受支持")


def test_an_existing_host_name_is_refused(exported, county):
    message = _refused(exported, "已有域名", hostname=county["site"].hostname)
    assert "--hostname" in message


def test_an_oversized_member_or_archive_is_refused(exported):
    _refused(exported, "过大", max_member=1000)
    _refused(exported, "归档文件大小超过上限", max_total=1000)


def test_a_disguised_file_is_refused_and_nothing_stays_in_storage(exported, media):
    def disguise(members, manifest):
        name = next(n for n in members if n.startswith("files/documents/"))
        members[name] = b"<html><script>alert(1)</script></html>"

    before = sorted(p.name for p in (media / "media").rglob("*") if p.is_file())
    _refused(_rewrite(exported, media / "html.zip", disguise), "未通过上传检查")
    assert sorted(p.name for p in (media / "media").rglob("*") if p.is_file()) == before


def test_script_in_rich_text_is_dropped_on_import(exported, media):
    def inject(members, manifest):
        pages = json.loads(members["pages.json"])
        for record in pages:
            if record["data"].get("title") == "酉阳县发布2026年民生实事清单":
                record["data"]["body"] += '<script>alert(1)</script><p onclick="x()">点击</p>'
        members["pages.json"] = json.dumps(pages, ensure_ascii=False).encode()

    import_site(_rewrite(exported, media / "xss.zip", inject), hostname="yy-copy.test", locality="yycopy")
    home = Site.objects.get(hostname="yy-copy.test").root_page
    body = ArticlePage.objects.descendant_of(home).get(title="酉阳县发布2026年民生实事清单").body
    assert "<script" not in body and "onclick" not in body and "点击" in body


def test_dry_run_checks_everything_and_writes_nothing(exported, media):
    before = _snapshot()
    files = sorted(p.name for p in (media / "media").rglob("*") if p.is_file())
    out = io.StringIO()
    call_command(
        "site_import", str(exported), hostname="yy-copy.test", locality="yycopy", dry_run=True, stdout=out
    )
    assert "试运行通过" in out.getvalue()
    assert _snapshot() == before
    assert sorted(p.name for p in (media / "media").rglob("*") if p.is_file()) == files
    assert not (media / "profiles" / "yycopy").exists()


def test_the_command_refuses_in_chinese(exported, county):
    with pytest.raises(CommandError, match="已有域名"):
        call_command("site_import", str(exported), hostname=county["site"].hostname, locality="yycopy")
    with pytest.raises(CommandError, match="已有地区配置 youyang"):
        call_command("site_import", str(exported), hostname="yy-copy.test")
    with pytest.raises(CommandError, match="没有域名或编号"):
        call_command("site_export", site="nowhere.test", out="/tmp/x.zip")


def test_columns_keep_their_page_rights_for_their_units(exported, county):
    import_site(exported, hostname="yy-copy.test", locality="yycopy")
    new_home = Site.objects.get(hostname="yy-copy.test").root_page
    col = ColumnPage.objects.descendant_of(new_home).filter(units__isnull=False).first()
    unit = col.units.first()
    assert unit.locality == "yycopy"
    assert GroupPagePermission.objects.filter(page=col, group__unit_role__unit=unit).exists()

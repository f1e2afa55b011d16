"""Who may grant what: only a superuser grants superuser rights or edits a superuser; staff changes are
registered with hand-over; written reset requests; responsibility records; the security log."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from .conftest import PASSWORD, login, refused

User = get_user_model()
OPERATOR_UNIT = "市人民政府办公室电子政务中心"


@pytest.fixture
def site_admin(make_person):
    return make_person(OPERATOR_UNIT, "site_admin")


@pytest.fixture
def root(db):
    return User.objects.create_superuser("rootx", password=PASSWORD)


def _new_user_post(**extra):
    data = {
        "username": "mallory",
        "email": "m@example.com",
        "first_name": "马",
        "last_name": "洛",
        "password1": "Strong#Pw2026x",
        "password2": "Strong#Pw2026x",
        "is_superuser": "on",
    }
    data.update(extra)
    return data


def test_site_admin_cannot_create_a_superuser(client, site_admin):
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="全权组")
    client.force_login(site_admin)
    page = client.get("/admin/users/new/")
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    response = client.post("/admin/users/new/", _new_user_post(groups=[group.pk]))
    assert response.status_code == 302
    created = User.objects.get(username="mallory")
    assert not created.is_superuser and not created.groups.exists()


def test_superuser_still_can(client, root):
    client.force_login(root)
    assert 'name="is_superuser"' in client.get("/admin/users/new/").content.decode()
    client.post("/admin/users/new/", _new_user_post())
    assert User.objects.get(username="mallory").is_superuser


def test_site_admin_cannot_open_edit_or_delete_a_superuser(client, site_admin, root):
    from govportal.accounts.models import EventKind, SecurityEvent

    client.force_login(site_admin)
    page = client.get(f"/admin/users/edit/{root.pk}/")
    assert refused(page) and "password1" not in page.content.decode()
    post = client.post(
        f"/admin/users/edit/{root.pk}/",
        {
            "username": "rootx",
            "email": "r@x.cn",
            "first_name": "a",
            "last_name": "b",
            "password1": "Owned#2026x",
            "password2": "Owned#2026x",
        },
    )
    assert refused(post)
    root.refresh_from_db()
    assert root.check_password(PASSWORD)
    assert refused(client.post(f"/admin/users/delete/{root.pk}/"))
    assert User.objects.filter(pk=root.pk).exists()
    assert SecurityEvent.objects.filter(kind=EventKind.DENIED, target_name="rootx").exists()


# --- administrator changes ----------------------------------------------------------------------------


def _draft(owner):
    """An unpublished item of the owner's unit (a draft the owner is still working on)."""
    from govportal.portal.columns import home_for, main_columns
    from govportal.portal.models import ArticlePage

    unit = owner.staff.unit
    parent = main_columns(home_for("qinzhou")).filter(units=unit).order_by("path").first()
    page = ArticlePage(title="草稿一篇", body="<p>草稿</p>", unit=unit, owner=owner, live=False)
    parent.add_child(instance=page)
    return page


def test_leaving_disables_the_account_and_hands_open_work_to_the_successor(client, site_admin, make_person):
    from wagtail.models import Page

    from govportal.accounts.models import AdminChange, EventKind, SecurityEvent, Staff
    from govportal.interaction.models import Letter, OrderState, WorkOrder

    leaver = make_person("市教育局", "section_chief")
    successor = make_person("市教育局", "editor")
    page = _draft(leaver)
    unit = leaver.staff.unit
    letter = Letter.objects.first()
    order = None
    if letter is not None:
        order = WorkOrder.objects.create(letter=letter, unit=unit, handler=leaver, state=OrderState.OPEN)
    client.force_login(site_admin)
    # no successor: refused, nothing changed
    page_resp = client.post(
        "/admin/security/changes/",
        {
            "kind": "leaving",
            "person": leaver.pk,
            "approved_by": "王局长",
            "approval_reference": "教人〔2026〕3号",
            "effective_on": "2026-12-01",
        },
    )
    assert "离岗须指定接替人" in page_resp.content.decode()
    leaver.refresh_from_db()
    assert leaver.is_active
    response = client.post(
        "/admin/security/changes/",
        {
            "kind": "leaving",
            "person": leaver.pk,
            "approved_by": "王局长",
            "approval_reference": "教人〔2026〕3号",
            "effective_on": "2026-12-01",
            "successor": successor.pk,
            "duties_done": ["交还账号密码", "工作移交", "保密承诺"],
            "handover_note": "已当面交接",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    leaver.refresh_from_db()
    assert not leaver.is_active and not leaver.has_usable_password()
    assert Staff.objects.get(user=leaver).roles == []
    assert "section_chief" in Staff.objects.get(user=successor).roles  # the review role is not orphaned
    assert Page.objects.get(pk=page.pk).owner_id == successor.pk
    if order is not None:
        order.refresh_from_db()
        assert order.handler_id == successor.pk
    change = AdminChange.objects.get(person=leaver)
    assert change.successor == successor and change.approved_by == "王局长"
    assert change.reassigned.get("草稿和待发布信息") == 1
    assert SecurityEvent.objects.filter(kind=EventKind.ADMIN_CHANGE, target_name=leaver.username).exists()
    listing = client.get("/admin/security/changes/").content.decode()
    assert "教人〔2026〕3号" in listing and successor.username in listing
    # the leaver's password no longer signs in
    client.logout()
    assert login(client, leaver.username).status_code == 200


def test_leaving_needs_the_duties_of_the_profile(client, site_admin, make_person):
    leaver = make_person("市教育局", "editor")
    successor = make_person("市教育局", "editor")
    client.force_login(site_admin)
    page = client.post(
        "/admin/security/changes/",
        {
            "kind": "leaving",
            "person": leaver.pk,
            "approved_by": "王",
            "approval_reference": "x",
            "effective_on": "2026-12-01",
            "successor": successor.pk,
        },
    )
    assert "离岗前须完成" in page.content.decode()
    leaver.refresh_from_db()
    assert leaver.is_active


def test_successor_from_another_unit_is_refused(site_admin, make_person):
    from govportal.accounts.staffing import register_change

    leaver = make_person("市教育局", "editor")
    outsider = make_person("市人民政府办公室", "editor")
    with pytest.raises(ValidationError, match="接替人须是市教育局在岗的人员"):
        register_change(
            site_admin,
            kind="leaving",
            person=leaver,
            approved_by="王",
            approval_reference="x",
            effective_on=timezone.localdate(),
            successor=outsider,
        )


def test_youyang_publishing_rights_wait_for_training(youyang_person):
    from govportal.accounts.models import ChangeKind, Role, Staff, TrainingRecord
    from govportal.accounts.staffing import register_change

    admin = youyang_person("site_admin")
    TrainingRecord.objects.create(
        user=admin, course="x", trained_on=timezone.localdate(), organiser="县政府办公室"
    )
    person = youyang_person("editor")
    with pytest.raises(ValidationError) as exc:
        register_change(
            admin,
            kind=ChangeKind.CHANGE,
            person=person,
            roles_after=[Role.SECTION_CHIEF],
            approved_by="李",
            approval_reference="y",
            effective_on=timezone.localdate(),
        )
    assert "第三十一条" in exc.value.messages[0] and "上岗培训" in exc.value.messages[0]
    assert Staff.objects.get(user=person).roles == ["editor"]
    TrainingRecord.objects.create(
        user=person, course="政府网站管理", trained_on=timezone.localdate(), organiser="县政府办公室"
    )
    register_change(
        admin,
        kind=ChangeKind.CHANGE,
        person=person,
        roles_after=[Role.SECTION_CHIEF],
        approved_by="李",
        approval_reference="y",
        effective_on=timezone.localdate(),
    )
    assert Staff.objects.get(user=person).roles == ["section_chief"]


def test_qinzhou_does_not_require_training(site_admin, make_person):
    from govportal.accounts.staffing import training_missing

    person = make_person("市教育局", "editor")
    assert training_missing(person, person.staff.unit, ["section_chief"]) == ""


def test_site_admin_of_another_locality_cannot_register_changes(youyang_person, make_person):
    from django.core.exceptions import PermissionDenied

    from govportal.accounts.staffing import register_change

    stranger = youyang_person("site_admin")
    person = make_person("市教育局", "editor")
    with pytest.raises(PermissionDenied):
        register_change(
            stranger,
            kind="change",
            person=person,
            roles_after=["section_chief"],
            approved_by="x",
            approval_reference="y",
            effective_on=timezone.localdate(),
        )


# --- written reset requests ---------------------------------------------------------------------------


def test_reset_only_on_a_recorded_written_request_approved_by_the_site_admin(client, site_admin, make_person):
    from django.test import Client

    from govportal.accounts.models import PasswordResetRequest, ResetState

    host = make_person("市人民政府办公室", "host_office")
    user = make_person("市教育局", "editor")
    editor = make_person("市教育局", "editor")
    # an editor cannot record requests
    client.force_login(editor)
    assert refused(client.get("/admin/security/resets/"))
    client.force_login(host)
    missing = client.post("/admin/security/resets/", {"user": user.pk, "applicant": "张三"})
    assert "必需字段" in missing.content.decode() and "张三" in missing.content.decode()
    client.post(
        "/admin/security/resets/",
        {
            "user": user.pk,
            "letter_reference": "教函〔2026〕8号",
            "letter_date": "2026-12-01",
            "applicant": "张三",
            "reason": "密码遗失",
        },
    )
    req = PasswordResetRequest.objects.get(user=user)
    # the host office may record, not approve
    assert refused(client.post(f"/admin/security/resets/{req.pk}/", {"action": "approve"}))
    req.refresh_from_db()
    assert req.state == ResetState.PENDING
    client.force_login(site_admin)
    done = client.post(f"/admin/security/resets/{req.pk}/", {"action": "approve", "note": "核实无误"})
    text = done.content.decode()
    assert "临时密码" in text
    import html
    import re

    temporary = html.unescape(re.search(r'id="temporary-password"[^>]*>([^<]+)<', text).group(1))
    req.refresh_from_db()
    assert req.state == ResetState.APPROVED and req.decided_by == site_admin
    # the person signs in with it and is sent to change it first
    person = Client()
    assert login(person, user.username, temporary).status_code == 302
    forced = person.get("/admin/")
    assert forced["Location"].startswith("/admin/security/password/")
    assert "按书面申请重置" in person.get(forced["Location"]).content.decode()
    # a second decision on the same request is refused
    again = client.post(f"/admin/security/resets/{req.pk}/", {"action": "approve"})
    assert again.status_code == 302


# --- responsibility records ---------------------------------------------------------------------------


def test_responsibility_records_name_the_three_people(client, site_admin, make_person):
    from govportal.accounts.models import Unit
    from govportal.accounts.staffing import responsibility_records

    head = make_person("市教育局", "principal_leader")
    deputy = make_person("市教育局", "deputy_leader")
    admin_of_unit = make_person("市教育局", "editor")
    outsider = make_person("市人民政府办公室", "principal_leader")
    unit = Unit.objects.get(locality="qinzhou", name="市教育局")
    client.force_login(site_admin)
    # a person of another unit is not offered / accepted
    bad = client.post(f"/admin/security/responsibility/{unit.pk}/", {"first_responsible": outsider.pk})
    assert "选择一个有效的选项" in bad.content.decode()
    ok = client.post(
        f"/admin/security/responsibility/{unit.pk}/",
        {
            "first_responsible": head.pk,
            "direct_responsible": deputy.pk,
            "site_administrator": admin_of_unit.pk,
        },
    )
    assert ok.status_code == 302
    rows = {r["unit"].name: r for r in responsibility_records("qinzhou")}
    assert rows["市教育局"]["first_responsible"]["username"] == head.username
    assert rows["市教育局"]["missing"] == []
    assert "第一责任人" in rows["市人民政府办公室"]["missing"]
    listing = client.get("/admin/security/responsibility/").content.decode()
    assert head.username in listing or "市教育局" in listing
    editor = make_person("市教育局", "editor")
    client.force_login(editor)
    assert refused(client.get("/admin/security/responsibility/"))


# --- the security log ---------------------------------------------------------------------------------


def test_security_log_search_export_and_no_deletion(client, make_person, youyang_person):
    from openpyxl import load_workbook

    from govportal.accounts.audit import purge_expired
    from govportal.accounts.models import EventKind, SecurityEvent

    operator = make_person(OPERATOR_UNIT, "operator")
    victim = make_person("市教育局", "editor")
    login(client, victim.username, '=HYPERLINK("http://x")')
    login(client, "=cmd|' /C calc'!A0", "x")
    other = youyang_person("operator")
    SecurityEvent.objects.create(kind=EventKind.LOGIN, username="yy-secret", locality="youyang")
    client.force_login(operator)
    page = client.get("/admin/security/log/", {"kind": "login_failed", "q": victim.username})
    text = page.content.decode()
    assert page.status_code == 200 and victim.username in text and "yy-secret" not in text
    export = client.get("/admin/security/log/", {"format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(export.content)).active
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert not any("yy-secret" == c.value for row in ws.iter_rows() for c in row)
    assert SecurityEvent.objects.filter(kind=EventKind.AUDIT_EXPORT, username=operator.username).exists()
    # not deletable in the back office: no delete view, POST refused, the model refuses
    assert client.post("/admin/security/log/", {"delete": "1"}).status_code == 405
    event = SecurityEvent.objects.filter(username=victim.username).first()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        SecurityEvent.objects.filter(pk=event.pk).delete()
    from django.urls import get_resolver

    patterns = str(get_resolver().reverse_dict.keys())
    assert "securityevent" not in patterns.lower()
    # an editor and another locality's operator do not read it
    client.force_login(victim)
    assert refused(client.get("/admin/security/log/"))
    client.force_login(other)
    assert victim.username not in client.get("/admin/security/log/").content.decode()
    # retention: only older than six months goes
    SecurityEvent.objects.filter(pk=event.pk).update(at=timezone.now() - timedelta(days=183))
    old = SecurityEvent.objects.create(
        kind=EventKind.LOGIN, username="ancient", at=timezone.now() - timedelta(days=200)
    )
    purge_expired()
    assert not SecurityEvent.objects.filter(pk=old.pk).exists()
    assert SecurityEvent.objects.filter(pk=event.pk).exists()


def test_role_and_group_changes_in_the_back_office_are_logged(client, site_admin, make_person):
    from govportal.accounts.models import EventKind, SecurityEvent, Staff

    person = make_person("市教育局", "editor")
    staff = Staff.objects.get(user=person)
    client.force_login(site_admin)
    response = client.post(
        f"/admin/snippets/accounts/staff/edit/{staff.pk}/",
        {
            "user": person.pk,
            "unit": staff.unit_id,
            "roles": ["editor", "section_chief"],
            "title": "",
            "phone": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = SecurityEvent.objects.get(kind=EventKind.ROLE_CHANGED, target_name=person.username)
    assert event.username == site_admin.username and "科室负责人" in event.detail
    assert SecurityEvent.objects.filter(kind=EventKind.GROUP_CHANGED, target_name=person.username).exists()


def test_personal_data_views_are_security_events(rf, make_person):
    from govportal.accounts.models import EventKind, SecurityEvent
    from govportal.interaction.permissions import log_access

    user = make_person("市人民政府办公室", "hotline")
    request = rf.get("/admin/letters/")
    request.user = user
    log_access(request, user, "来信人姓名和联系方式")
    assert SecurityEvent.objects.filter(
        kind=EventKind.PERSONAL_DATA, username=user.username, detail__contains="来信人"
    ).exists()

"""Password rules from the loaded locality's profile (酉阳办法第三十条; elsewhere the platform floor)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from .conftest import PASSWORD

YOUYANG = "《酉阳土家族苗族自治县政府门户网站管理办法（试行）》第三十条"


def refused(password, user) -> str:
    with pytest.raises(ValidationError) as exc:
        validate_password(password, user)
    return " ".join(exc.value.messages)


def test_youyang_length_boundary_cites_article_30(youyang_person):
    user = youyang_person("editor")
    validate_password("Abcdef1!", user)  # 8 characters, 4 classes: accepted
    message = refused("Abcde1!", user)  # 7
    assert "至少需要 8 位" in message and YOUYANG in message


def test_youyang_classes_boundary(youyang_person):
    user = youyang_person("editor")
    validate_password("abcdefg12X", user)  # three classes
    message = refused("abcdefgh12", user)  # two classes
    assert "至少 3 类" in message and "只有 2 类" in message and YOUYANG in message


def test_other_localities_get_the_floor_and_never_youyang_article(make_person):
    user = make_person("市教育局", "editor")
    message = refused("abcdefgh12", user)
    assert "GB/T 22239" in message
    assert "酉阳" not in message


def test_password_equal_to_or_containing_user_name_is_refused(make_person, db):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("zhangsan", password=PASSWORD)
    assert "账号名" in refused("zhangsan", user)
    assert "账号名“zhangsan”" in refused("ZhangSan@2026", user)
    # zhangsan1 is also too weak in classes; either way it is refused with a reason
    assert refused("zhangsan1", user)


def test_unit_name_inside_is_refused(make_person):
    user = make_person("市教育局", "editor")
    assert "单位名称" in refused("市教育局Ab12!", user)


def test_history_no_reuse_of_the_last_five(make_person, settings):
    # The suite hashes with MD5 for speed (tests/conftest.py); the history must hold what production stores.
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    user = make_person("市教育局", "editor")
    first = "First#Pw2026"
    user.set_password(first)
    user.save()
    for i in range(4):
        validate_password(f"Other#Pw{i}x9", user)
        user.set_password(f"Other#Pw{i}x9")
        user.save()
    # first is now 5 passwords back (plus the initial one): still refused
    assert "最近 5 次" in refused(first, user)
    user.set_password("Fifth#Pw2026")
    user.save()
    user.set_password("Sixth#Pw2026")
    user.save()
    validate_password(first, user)  # pushed out of the last five: allowed again
    from govportal.accounts.models import PasswordHistory

    assert PasswordHistory.objects.filter(user=user).count() == 5
    assert all(
        h.startswith(("pbkdf2_", "argon2", "bcrypt"))
        for h in PasswordHistory.objects.values_list("password", flat=True)
    )


def _age(user, days):
    from govportal.accounts.models import AccountSecurity

    AccountSecurity.objects.filter(user=user).update(
        password_changed_at=timezone.now() - timedelta(days=days)
    )


def test_youyang_expiry_after_30_days_forces_a_change_at_next_login(client, youyang_person):
    user = youyang_person("editor")
    client.force_login(user)
    _age(user, 29)
    assert client.get("/admin/").status_code == 200
    _age(user, 31)
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/security/password/?next=%2Fadmin%2Fpages%2F")
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "已使用超过 30 天" in text and YOUYANG in text
    done = client.post(
        "/admin/security/password/?next=/admin/pages/",
        {"old_password": PASSWORD, "new_password1": "Brand#New2026", "new_password2": "Brand#New2026"},
    )
    assert done.status_code == 302 and done["Location"] == "/admin/pages/"
    assert client.get("/admin/").status_code == 200


def test_qinzhou_expiry_is_the_floor_of_90_days(client, make_person):
    user = make_person("市教育局", "editor")
    client.force_login(user)
    _age(user, 89)
    assert client.get("/admin/").status_code == 200
    _age(user, 91)
    assert client.get("/admin/")["Location"].startswith("/admin/security/password/")


def test_change_page_refuses_a_weak_password_keeps_the_rule_and_logs_it(client, youyang_person):
    from govportal.accounts.models import EventKind, SecurityEvent

    user = youyang_person("editor")
    client.force_login(user)
    page = client.post(
        "/admin/security/password/",
        {"old_password": PASSWORD, "new_password1": "short1", "new_password2": "short1"},
    )
    text = page.content.decode()
    assert page.status_code == 200 and "至少需要 8 位" in text and YOUYANG in text
    assert SecurityEvent.objects.filter(kind=EventKind.PASSWORD_REFUSED, username=user.username).exists()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_set_by_an_administrator_must_be_changed(client, make_person):
    admin = make_person("市人民政府办公室电子政务中心", "site_admin")
    user = make_person("市教育局", "editor")
    client.force_login(admin)
    response = client.post(
        f"/admin/users/edit/{user.pk}/",
        {
            "username": user.username,
            "email": "e@example.com",
            "first_name": "张",
            "last_name": "三",
            "password1": "Given#Pw2026",
            "password2": "Given#Pw2026",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    user.refresh_from_db()
    assert user.check_password("Given#Pw2026")
    client.force_login(user)
    page = client.get(client.get("/admin/")["Location"])
    assert "管理员为您设置了密码" in page.content.decode()

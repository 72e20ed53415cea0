"""API tokens expire, are revoked by an administrator, and end when their owner's password or role changes;
passwords people choose pass stronger validators, whose messages are translated."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.models import ApiToken, AuditEvent, Role, User
from ecoenforce.core.services import api_token_create

pytestmark = pytest.mark.django_db

PASSWORD = "Gl4cier-Harbour"


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_token_expires_after_the_days_chosen(inspector_wj, monkeypatch):
    token, raw = api_token_create(user=inspector_wj, name="平板", days=7)
    assert bearer(raw).get("/api/v1/leads/").status_code == 200
    moved = timezone.now() + dt.timedelta(days=7, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: moved)
    assert bearer(raw).get("/api/v1/leads/").status_code == 401
    assert token.state(moved) == "expired"
    with pytest.raises(ValidationFailed) as refused:
        api_token_create(user=inspector_wj, name="平板", days=366)
    assert str(refused.value.message) == "令牌有效期为 1 至 365 天。"


def test_the_token_page_issues_with_a_lifetime_and_shows_expiry_and_why_revoked(inspector_wj):
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(inspector_wj)
    page = client.post("/accounts/tokens/", {"name": "执法记录仪", "days": "30"})
    token = ApiToken.objects.get(user=inspector_wj)
    html = page.content.decode()
    assert round((token.expires_at - token.created_at) / dt.timedelta(days=1), 3) == 30
    assert f"<td>{timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}</td>" in html
    assert '<option value="30" selected>30 days</option>' in html
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    html = client.get("/accounts/tokens/").content.decode()
    assert 'data-testid="token-state">Revoked</span> <span class="small text-secondary">Revoked by its owner</span>' in html


def test_an_administrator_revokes_any_users_token(inspector_wj, admin_user):
    token, raw = api_token_create(user=inspector_wj, name="丢失的手机")
    client = Client()
    client.force_login(admin_user)
    listing = client.get("/admin/core/apitoken/")
    assert listing.status_code == 200 and "丢失的手机" in listing.content.decode()
    response = client.post("/admin/core/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    token.refresh_from_db()
    assert (token.revoked_reason, bearer(raw).get("/api/v1/leads/").status_code) == ("administrator", 401)
    event = AuditEvent.objects.get(action="api_token.revoke", object_id=str(token.pk))
    assert (event.actor, event.after) == (admin_user, {"revoked": True, "reason": "administrator"})


def test_an_admin_cannot_edit_or_add_tokens(inspector_wj, admin_user):
    token, _raw = api_token_create(user=inspector_wj, name="平板")
    client = Client()
    client.force_login(admin_user)
    assert client.get("/admin/core/apitoken/add/").status_code == 403
    page = client.get(f"/admin/core/apitoken/{token.pk}/change/")
    assert page.status_code == 200 and token.key_hash not in page.content.decode()


@pytest.mark.parametrize(("change", "reason"), [
    (lambda u, orgs: u.set_password("N3w-Lantern-Road"), "password_changed"),
    (lambda u, orgs: setattr(u, "role", Role.UNIT_LEADER), "role_changed"),
    (lambda u, orgs: setattr(u, "organization", orgs["xb"]), "role_changed"),
    (lambda u, orgs: setattr(u, "is_active", False), "deactivated"),
])
def test_an_account_change_revokes_every_live_token(inspector_wj, org_xb, change, reason):
    first, raw = api_token_create(user=inspector_wj, name="平板")
    second, _raw2 = api_token_create(user=inspector_wj, name="手机")
    change(inspector_wj, {"xb": org_xb})
    inspector_wj.save()
    assert sorted(ApiToken.objects.filter(user=inspector_wj).values_list("revoked_reason", flat=True)) == [reason] * 2
    assert bearer(raw).get("/api/v1/leads/").status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=None).count() == 2


def test_signing_in_or_editing_a_name_does_not_revoke(inspector_wj):
    _token, raw = api_token_create(user=inspector_wj, name="平板")
    inspector_wj.set_password(PASSWORD)
    inspector_wj.save()  # that is a password change: revokes
    token2, raw2 = api_token_create(user=inspector_wj, name="手机")
    assert Client().post("/accounts/login/", {"username": "inspector_wj", "password": PASSWORD}).status_code == 302
    inspector_wj.refresh_from_db()
    inspector_wj.full_name = "周明（一中队）"
    inspector_wj.save()
    token2.refresh_from_db()
    assert (token2.revoked_at, bearer(raw2).get("/api/v1/leads/").status_code) == (None, 200)


def test_the_change_password_page_validates_and_revokes_tokens(inspector_wj):
    inspector_wj.set_password(PASSWORD)
    inspector_wj.save()
    api_token_create(user=inspector_wj, name="平板")
    client = Client()
    client.force_login(inspector_wj)
    weak = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "Admin@12345",
                                                "new_password2": "Admin@12345"})
    html = weak.content.decode()
    assert weak.status_code == 200
    assert "该密码属于最先被猜测的模式：常见单词、姓名或键盘连续字符加上数字和符号。请使用几个互不相关的词或更长的短语。" in html
    done = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "Tea-Kettle-Moss-71",
                                                "new_password2": "Tea-Kettle-Moss-71"}, follow=True)
    assert "密码已修改。您的 1 个 API 令牌已撤销：请为应用重新签发令牌。" in done.content.decode()
    assert ApiToken.objects.get(user=inspector_wj).revoked_reason == "password_changed"
    assert "_auth_user_id" in client.session  # still signed in after changing it


@pytest.mark.parametrize(("password", "codes"), [
    ("Demo@2026", ["password_too_short", "password_predictable"]),
    ("Admin@12345", ["password_predictable"]),
    ("Changzhou2026!", ["password_predictable"]),
    ("1qaz2wsx3edc", ["password_too_common", "password_too_simple", "password_predictable"]),
    ("Qazwsx-Edcrfv", ["password_predictable"]),
    ("glacierharbourroad", ["password_too_simple"]),
    ("20261234567890", ["password_entirely_numeric", "password_too_simple"]),
    ("zhouming-Wj1", ["password_too_similar"]),
    ("Tea-Kettle-Moss-71", []),
    ("冰川港口-Road-7", []),
])
def test_password_rules(password, codes, org_wj):
    user = User(username="zhouming", full_name="zhouming", role=Role.INSPECTOR, organization=org_wj)
    try:
        validate_password(password, user)
        found = []
    except ValidationError as exc:
        found = sorted(e.code for e in exc.error_list)
    assert found == sorted(codes)


def test_password_messages_are_translated():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_password("abcdefghij")
    assert [str(m) for m in refused.value.messages] == [
        "这个密码太常见了。",
        "密码须至少包含以下 3 类字符：小写字母、大写字母、数字、符号。",
        "该密码属于最先被猜测的模式：常见单词、姓名或键盘连续字符加上数字和符号。请使用几个互不相关的词或更长的短语。",
    ]

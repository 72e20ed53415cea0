"""Sign-in throttling and lock-out on the web sign-in, the admin sign-in, the API token endpoint and bearer auth.

Counted per account (5 failures in 15 min) and per client address (20), the lock doubling with each lock in a
row; while locked even the right password is refused, and the message says when to try again.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from ecoenforce.core.models import ApiToken, AuditEvent, Role, SignInThrottle, User
from ecoenforce.core.signin import client_address

pytestmark = pytest.mark.django_db


def shown(until) -> str:
    """The unlock time as the message gives it: the time alone today, with the date when it falls tomorrow (a lock
    taken at 23:55 Beijing time ends after midnight)."""
    return f"{until:%H:%M}" if until.date() == timezone.localdate() else f"{until:%Y-%m-%d %H:%M}"

PASSWORD = "Gl4cier-Harbour"
ADDRESS = "203.0.113.7"


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    # The production hasher takes ~0.3 s per check on this machine; the throttle does not depend on it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def person(username: str, org, *, role=Role.INSPECTOR, **extra) -> User:
    user = User(username=username, role=role, organization=org, full_name=username, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


def client_at(address: str = ADDRESS, *, lang: str = "en") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.cookies["django_language"] = lang
    return client


def sign_in(client: Client, username: str, password: str, path: str = "/accounts/login/"):
    return client.post(path, {"username": username, "password": password})


def error_text(response) -> str:
    html = response.content.decode()
    start = html.index('data-testid="sign-in-error">') + len('data-testid="sign-in-error">')
    return html[start:html.index("</div>", start)]


def later(monkeypatch, minutes: float) -> dt.datetime:
    """Move the clock forward (every caller of timezone.now sees it)."""
    moved = timezone.now() + dt.timedelta(minutes=minutes)
    monkeypatch.setattr(timezone, "now", lambda: moved)
    return moved


def lock_of(scope: str, key: str) -> SignInThrottle:
    return SignInThrottle.objects.get(scope=scope, key=key)


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(org_wj, monkeypatch):
    person("zhouming", org_wj)
    client = client_at()
    for _ in range(4):
        wrong = sign_in(client, "zhouming", "Wrong-Pass-1")
        assert (wrong.status_code, error_text(wrong)) == (
            200, "The user name or password is wrong. Check them and try again; repeated failures lock the "
                 "account for a while.")
    locked = sign_in(client, "zhouming", "Wrong-Pass-1")
    row = lock_of("account", "zhouming")
    until = timezone.localtime(row.locked_until)
    assert (locked.status_code, locked["Retry-After"], row.lockouts) == (429, "900", 1)
    assert error_text(locked) == (
        f"Too many failed sign-ins for this account. Try again after {shown(until)} (in 15 min), "
        "or ask an administrator to unlock it.")

    right = sign_in(client, "ZhouMing".lower(), PASSWORD)
    assert (right.status_code, "_auth_user_id" in client.session) == (429, False)
    # From another address and in another case: the account is what is locked.
    other = sign_in(client_at("198.51.100.20"), "ZHOUMING", PASSWORD)
    assert other.status_code == 429

    later(monkeypatch, 16)
    fine = sign_in(client, "zhouming", PASSWORD)
    assert (fine.status_code, fine["Location"]) == (302, "/accounts/home/")
    assert not SignInThrottle.objects.filter(scope="account", key="zhouming").exists()


def test_the_lock_is_translated_and_doubles_with_each_lock_in_a_row(org_wj, monkeypatch):
    person("wujing", org_wj)
    client = client_at(lang="zh-hans")
    for _ in range(5):
        response = sign_in(client, "wujing", "Wrong-Pass-1")
    until = timezone.localtime(lock_of("account", "wujing").locked_until)
    assert error_text(response) == f"该账号登录失败次数过多。请在 {shown(until)} 之后（约 15 分钟后）再试，或请管理员解锁。"

    later(monkeypatch, 16)
    for _ in range(5):
        response = sign_in(client, "wujing", "Wrong-Pass-1")
    row = lock_of("account", "wujing")
    assert (response.status_code, row.lockouts, response["Retry-After"]) == (429, 2, "1800")
    assert "约 30 分钟后" in error_text(response)


def test_a_success_forgives_the_account_but_not_the_address(org_wj):
    person("chenjh", org_wj)
    client = client_at()
    for _ in range(4):
        sign_in(client, "chenjh", "Wrong-Pass-1")
    assert sign_in(client, "chenjh", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, "chenjh", "Wrong-Pass-1").status_code == 200
    assert lock_of("account", "chenjh").failures == 4
    assert lock_of("address", ADDRESS).failures == 8


def test_twenty_failures_from_one_address_lock_the_address_for_every_account(org_wj):
    person("linhy", org_wj)
    client = client_at()
    statuses = [sign_in(client, f"guess{n}", "Wrong-Pass-1").status_code for n in range(20)]
    assert statuses == [200] * 19 + [429]
    refused = sign_in(client, "linhy", PASSWORD)
    assert refused.status_code == 429
    assert error_text(refused).startswith("Too many failed sign-ins from your network address. Try again after ")
    assert sign_in(client_at("203.0.113.8"), "linhy", PASSWORD).status_code == 302
    event = AuditEvent.objects.filter(action="sign_in.lock").order_by("seq").last()
    assert (event.after["scope"], event.after["key"], event.actor_label) == ("address", ADDRESS, "system")


def test_the_client_address_behind_trusted_proxies_and_ipv6_blocks(rf, settings):
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_address(request) == "127.0.0.1"  # no proxy configured: the header is the client's own claim
    settings.TRUSTED_PROXIES = 1
    assert client_address(request) == "203.0.113.9"  # what our proxy appended, not what the client claimed
    settings.TRUSTED_PROXIES = 2
    assert client_address(request) == "6.6.6.6"
    settings.TRUSTED_PROXIES = 0
    assert client_address(rf.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")) == "2001:db8:1:2::/64"
    assert client_address(rf.get("/", REMOTE_ADDR="::ffff:198.51.100.3")) == "198.51.100.3"


def test_the_admin_sign_in_is_throttled_too(org_city):
    person("sysadmin", org_city, role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client = client_at()
    for _ in range(5):
        response = sign_in(client, "sysadmin", "Wrong-Pass-1", "/admin/login/")
    assert "Too many failed sign-ins for this account. Try again after" in response.content.decode()
    assert sign_in(client, "sysadmin", PASSWORD, "/admin/login/").status_code == 200  # the form again, locked
    assert "_auth_user_id" not in client.session


def test_an_administrator_unlocks_an_account(org_city, org_wj):
    person("zhaoq", org_wj)
    admin = person("sysadmin", org_city, role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    for _ in range(5):
        sign_in(client_at(), "zhaoq", "Wrong-Pass-1")
    row = lock_of("account", "zhaoq")
    staff = client_at("192.0.2.1")
    staff.force_login(admin)
    response = staff.post("/admin/core/signinthrottle/", {"action": "unlock", "_selected_action": [row.pk]})
    assert response.status_code == 302
    assert not SignInThrottle.objects.filter(pk=row.pk).exists()
    assert AuditEvent.objects.filter(action="sign_in.unlock", actor=admin).count() == 1
    assert sign_in(client_at("192.0.2.2"), "zhaoq", PASSWORD).status_code == 302


def post_json(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_the_api_token_endpoint_issues_tokens_and_is_throttled(org_wj):
    person("qianlei", org_wj)
    client = client_at()
    issued = post_json(client, "/api/v1/auth/token", {"username": "qianlei", "password": PASSWORD,
                                                       "name": "巡查终端", "days": 30})
    assert issued.status_code == 201
    body = issued.json()
    token = ApiToken.objects.get(prefix=body["token"][:8])
    assert (token.name, body["name"], round((token.expires_at - token.created_at) / dt.timedelta(days=1), 3)) == (
        "巡查终端", "巡查终端", 30)
    bearer = Client(REMOTE_ADDR=ADDRESS, HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert bearer.get("/api/v1/leads/").status_code == 200

    wrong = post_json(client, "/api/v1/auth/token", {"username": "qianlei", "password": "nope"})
    assert (wrong.status_code, wrong.json()["code"]) == (401, "SignInFailed")
    nul = post_json(client, "/api/v1/auth/token", {"username": "qianlei\u0000", "password": "x\u0000"})
    assert (nul.status_code, nul.json()["code"]) == (401, "SignInFailed")  # counted, never sent to the database
    for _ in range(3):
        response = post_json(client, "/api/v1/auth/token", {"username": "qianlei", "password": "nope"})
    assert (response.status_code, response.json()["code"], response["Retry-After"]) == (429, "sign_in_locked", "900")
    assert response.json()["details"]["retry_after"] == 900
    again = post_json(client, "/api/v1/auth/token", {"username": "qianlei", "password": PASSWORD})
    assert again.status_code == 429

    # The app's sign-out revokes the token it signed in with.
    assert bearer.delete("/api/v1/auth/token").status_code == 204
    token.refresh_from_db()
    assert (token.revoked_reason, bearer.get("/api/v1/leads/").status_code) == ("owner", 401)


def test_wrong_bearer_tokens_lock_the_address_not_the_token(org_wj):
    from ecoenforce.core.services import api_token_create

    user = person("jiangch", org_wj)
    _token, raw = api_token_create(user=user, name="tablet")
    guesser = Client(REMOTE_ADDR="198.51.100.4")
    statuses = [guesser.get("/api/v1/leads/", HTTP_AUTHORIZATION=f"Bearer ee_guess{n}").status_code
                for n in range(20)]
    assert statuses == [401] * 19 + [429]
    refused = guesser.get("/api/v1/leads/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert (refused.status_code, refused.json()["details"]["scope"]) == (429, "token_address")
    assert int(refused["Retry-After"]) > 800
    elsewhere = Client(REMOTE_ADDR="198.51.100.5")
    assert elsewhere.get("/api/v1/leads/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200

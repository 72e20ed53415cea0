"""Production settings refuse to start unsafe (built-in SECRET_KEY or DEBUG on a host others can reach); HTTPS
turns on secure cookies and HSTS; every response carries the Content-Security-Policy and no template needs an
inline script; a real installation (`up --no-demo`) has no demo superuser and asks for its first administrator."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.first_admin import NoAdministrator, ensure_first_administrator
from ecoenforce.core.models import AuditEvent, Role, User

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "src" / "ecoenforce" / "templates"
GOOD_KEY = "k" * 20 + "-9f3a7c1e5b2d8a6f4c0e-x"


def django_settings(**env) -> subprocess.CompletedProcess:
    """Load the settings in a fresh process with this environment; print what the HTTPS switch sets."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "ECOENFORCE_HTTPS"}}
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, "
            "s.SECURE_PROXY_SSL_HEADER)")
    return subprocess.run([sys.executable, "-c", code], env={**clean, "PYTHONPATH": str(REPO / "src"),
                          "DJANGO_SETTINGS_MODULE": "ecoenforce.settings", **env},
                          capture_output=True, text=True, timeout=120)


def test_refuses_the_built_in_key_and_debug_on_a_reachable_host():
    built_in = django_settings(ALLOWED_HOSTS="enforce.czhb.gov.cn")
    assert built_in.returncode == 2
    assert built_in.stdout == ""
    assert built_in.stderr.splitlines()[0] == "ecoenforce 拒绝启动 / refuses to start:"
    assert ("SECRET_KEY is the built-in one (or shorter than 32 characters) while ALLOWED_HOSTS names hosts others "
            "can reach (enforce.czhb.gov.cn)") in built_in.stderr
    assert "Traceback" not in built_in.stderr
    template_key = django_settings(ALLOWED_HOSTS="*", SECRET_KEY="change-me-to-a-long-random-string")
    assert (template_key.returncode, "ALLOWED_HOSTS names hosts others can reach (*)" in template_key.stderr) == (2, True)
    debug = django_settings(ALLOWED_HOSTS="localhost,10.32.4.7", SECRET_KEY=GOOD_KEY, DEBUG="1")
    assert debug.returncode == 2
    assert "DEBUG is on while ALLOWED_HOSTS names hosts others can reach (10.32.4.7)" in debug.stderr
    assert "SECRET_KEY" not in debug.stderr.split("DEBUG 已开启")[0].split("refuses to start:")[1]


def test_starts_locally_with_the_built_in_key_and_safely_in_production():
    local = django_settings(DEBUG="1")
    assert (local.returncode, local.stdout.strip()) == (0, "False False 0 False None")
    production = django_settings(ALLOWED_HOSTS="enforce.czhb.gov.cn", SECRET_KEY=GOOD_KEY, ECOENFORCE_HTTPS="1",
                                 ECOENFORCE_TRUSTED_PROXIES="1")
    assert (production.returncode, production.stdout.strip()) == (
        0, "True True 31536000 True ('HTTP_X_FORWARDED_PROTO', 'https')")


@pytest.mark.django_db
def test_hsts_over_https_and_the_csp_on_every_response(settings, inspector_wj):
    settings.SECURE_HSTS_SECONDS = 31536000
    client = Client()
    client.force_login(inspector_wj)
    secure = client.get("/cases/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000"
    for response in (secure, client.get("/public/"), client.get("/api/v1/leads/"), client.get("/accounts/login/")):
        assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in settings.CONTENT_SECURITY_POLICY
    assert "unsafe-eval" not in settings.CONTENT_SECURITY_POLICY


def test_no_template_needs_an_inline_script():
    """The CSP allows scripts from our static files only: no inline <script>, on…= handler or javascript: URL."""
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                found.append(f"{path.relative_to(TEMPLATES)}: {tag}")
        found += [f"{path.relative_to(TEMPLATES)}: {m}" for m in re.findall(r"\son[a-z]+=\"[^\"]*\"", text)]
        found += [f"{path.relative_to(TEMPLATES)}: javascript:" for _m in re.findall(r"javascript:", text)]
    assert found == []


@pytest.mark.django_db
def test_up_without_the_demo_creates_no_demo_superuser_and_takes_the_first_administrator_from_the_environment(
        monkeypatch, capsys):
    monkeypatch.setenv("ECOENFORCE_ADMIN_USERNAME", "wangjun")
    monkeypatch.setenv("ECOENFORCE_ADMIN_PASSWORD", "Seven-Lanterns-42")
    monkeypatch.setenv("ECOENFORCE_ADMIN_NAME", "王军")
    call_command("up", no_demo=True, no_serve=True)
    out = capsys.readouterr().out
    admin = User.objects.get(is_superuser=True)
    assert (admin.username, admin.full_name, admin.role, admin.is_staff) == ("wangjun", "王军", Role.ADMINISTRATOR, True)
    assert admin.check_password("Seven-Lanterns-42")
    assert "Administrator wangjun created." in out
    assert "Demo logins" not in out and "Demo@2026" not in out
    assert not User.objects.filter(username="admin").exists()
    assert AuditEvent.objects.filter(action="user.create_administrator", object_id=str(admin.pk)).count() == 1
    call_command("up", no_demo=True, no_serve=True)  # a second start asks nothing: there is an administrator
    assert User.objects.filter(is_superuser=True).count() == 1


@pytest.mark.django_db
def test_up_without_the_demo_and_without_a_terminal_refuses_with_exit_2(monkeypatch):
    monkeypatch.delenv("ECOENFORCE_ADMIN_USERNAME", raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    with pytest.raises(CommandError) as refused:
        call_command("up", no_demo=True, no_serve=True)
    assert refused.value.returncode == 2
    assert str(refused.value).startswith("还没有管理员。")
    monkeypatch.setenv("ECOENFORCE_ADMIN_USERNAME", "wangjun")
    monkeypatch.setenv("ECOENFORCE_ADMIN_PASSWORD", "Admin@123456")
    with pytest.raises(CommandError) as weak:
        call_command("up", no_demo=True, no_serve=True)
    assert "常见单词" in str(weak.value)
    assert not User.objects.filter(is_superuser=True).exists()


@pytest.mark.django_db
def test_the_first_administrator_is_asked_for_at_the_terminal_until_the_password_passes():
    answers = iter(["wangjun", "王军", "wangjun", "王军"])
    secrets = iter(["Admin@123456", "Admin@123456", "Seven-Lanterns-42", "Seven-Lanterns-42"])
    said = []
    admin = ensure_first_administrator(environ={}, interactive=True, write=said.append,
                                       ask=lambda _prompt: next(answers), ask_secret=lambda _prompt: next(secrets))
    assert admin.username == "wangjun" and admin.check_password("Seven-Lanterns-42")
    assert said[0] == "还没有管理员：请创建第一位管理员（负责用户、基础数据和策略）。"
    assert said[1].strip().startswith("该密码属于最先被猜测的模式")
    assert ensure_first_administrator(environ={}, interactive=False, write=said.append) is None
    with pytest.raises(NoAdministrator):
        User.objects.all().delete()
        ensure_first_administrator(environ={}, interactive=False, write=said.append)
    with pytest.raises(ValidationFailed):
        ensure_first_administrator(environ={"ECOENFORCE_ADMIN_USERNAME": "x", "ECOENFORCE_ADMIN_PASSWORD": ""},
                                   interactive=False, write=said.append)

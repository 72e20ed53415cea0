"""One typed place to read settings from the environment (every variable is listed in .env.example)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def env_str(name: str, default: str) -> str:
    """A string setting; empty values count as unset so `.env` templates can leave blanks."""
    value = os.environ.get(name, "").strip()
    return value or default


def env_bool(name: str, default: bool) -> bool:
    """A boolean setting: 1/true/yes/on (any case) are true, 0/false/no/off are false."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    """An integer setting."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list setting."""
    raw = os.environ.get(name, "").strip()
    return [item.strip() for item in raw.split(",") if item.strip()] if raw else default


def env_path(name: str, default: Path) -> Path:
    """A filesystem path setting, relative paths taken from the repository root."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    path = Path(raw)
    return path if path.is_absolute() else REPO_ROOT / path


# Keys that ship with the code or its templates: anyone can read them, so they sign nothing.
BUILTIN_SECRET_KEYS = frozenset({"dev-only-insecure-key-change-me-in-production", "change-me-to-a-long-random-string"})
# Host names that only this machine can reach; any other name in ALLOWED_HOSTS means the server is reachable.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]", "testserver"})


def public_hosts(allowed_hosts: list[str]) -> list[str]:
    """The names in ALLOWED_HOSTS that others can reach ("*" and ".example.gov.cn" included)."""
    return [host for host in allowed_hosts if host.lower() not in LOCAL_HOSTS]


def unsafe_production_settings(*, secret_key: str, debug: bool, allowed_hosts: list[str]) -> list[str]:
    """What makes these settings unsafe for a server others can reach (empty when local-only or safe).

    Each entry says what is wrong and what to do, in Chinese and English: settings load before translations.
    """
    hosts = public_hosts(allowed_hosts)
    if not hosts:
        return []
    shown = ", ".join(hosts)
    problems = []
    if secret_key in BUILTIN_SECRET_KEYS or len(secret_key) < 32:
        problems.append(
            f"SECRET_KEY 是内置的（或少于 32 个字符），而 ALLOWED_HOSTS 包含外部可访问的主机（{shown}）：任何人都能伪造会话。"
            "请在环境中设置随机的 SECRET_KEY。\n"
            f"  SECRET_KEY is the built-in one (or shorter than 32 characters) while ALLOWED_HOSTS names hosts others "
            f"can reach ({shown}): anyone could forge sessions. Set a random SECRET_KEY in the environment, e.g.\n"
            "  python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    if debug:
        problems.append(
            f"DEBUG 已开启，而 ALLOWED_HOSTS 包含外部可访问的主机（{shown}）：出错页面会向任何人显示设置和代码。请设置 DEBUG=0。\n"
            f"  DEBUG is on while ALLOWED_HOSTS names hosts others can reach ({shown}): error pages would show "
            "settings and code to anyone. Set DEBUG=0."
        )
    return problems


def refuse_to_start(problems: list[str]) -> None:
    """Print why and exit with status 2 (the process manager and the operator see a failed start, not a trace)."""
    sys.stderr.write("ecoenforce 拒绝启动 / refuses to start:\n")
    for problem in problems:
        sys.stderr.write(f"- {problem}\n")
    sys.stderr.write("See docs/deploy.md, section “HTTPS and settings”.\n")
    sys.stderr.flush()
    raise SystemExit(2)

"""The dependency arrows point down the loop (architecture.md); this AST check keeps them so."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "ecoenforce"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _package_imports(package: str) -> dict[Path, set[str]]:
    root = SRC / package.replace(".", "/")
    files = [root.with_suffix(".py")] if root.with_suffix(".py").exists() else sorted(root.rglob("*.py"))
    return {f: _imports(f) for f in files}


def _violations(package: str, forbidden) -> list[str]:
    return [f"{path.relative_to(SRC)} imports {name}"
            for path, names in _package_imports(package).items() for name in sorted(names) if forbidden(name)]


def _app(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "ecoenforce" else None


# For each app, the ecoenforce apps it may import (besides itself). Channels → leads → cases → registry → core.
ALLOWED = {
    "core": set(),
    "notifications": {"core"},  # beside core: every app may notify, notifications knows no app
    "registry": {"core", "notifications"},
    "cases": {"core", "registry", "notifications"},
    "leads": {"core", "registry", "cases", "notifications"},
    "inspections": {"core", "registry", "leads", "notifications"},
    "planning": {"core", "registry", "leads", "inspections", "notifications"},
    "social": {"core", "registry", "cases", "leads", "grids", "notifications"},  # tips are leads with a tracking code; the tip map draws the grids
    "ops": {"core", "monitoring", "warnings"},
    "monitoring": {"core", "registry"},  # the device registry and the lake; knows nothing of warnings (monitoring.hooks)
    "warnings": {"core", "registry", "leads", "monitoring", "notifications"},  # reads the registry, raises leads
    "credit": {"core", "registry", "cases", "warnings", "notifications"},  # rates from the owners' records
    "assist": {"core", "registry", "leads", "notifications"},  # findings are leads; no enforcement power
    "referrals": {"core", "registry", "cases", "leads", "notifications"},  # referrals about leads, cases, entities
    "grids": {"core", "registry", "leads", "notifications"},  # patrols report problems as leads
    "sampling": {"core", "registry", "leads", "cases", "inspections", "planning", "warnings", "monitoring",
                 "notifications", "onsite"},  # 执法监测: requests from cases, leads and tasks; limits from warnings
    "duty": {"core", "registry", "cases", "leads", "inspections", "social", "compliance", "notifications"},  # scorecards read the owners' records; nothing reads duty
    "compliance": {"core", "registry", "warnings", "monitoring", "credit", "notifications"},  # the enterprise's pages over the owners' services (monitoring: its own devices and readings)  # runs the processes and schedules the warnings desk's rule runs
    "sync": {"core"},  # resumable uploads, idempotent replays, the web app's service worker
    "onsite": {"core", "registry", "leads", "cases", "inspections", "planning", "notifications"},  # on-site records: findings become task results, leads, cases
    "transfers": {"core", "registry", "cases", "leads", "notifications"},  # 两法衔接: hooks into cases (cases.hooks)
    "casebook": {"core", "registry", "cases", "leads", "notifications"},  # typical cases, withdrawals (cases.hooks)
    "special": {"core", "registry", "cases", "leads", "notifications"},  # 专案 and 挂牌督办 (cases.hooks)
}


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_app_imports_only_apps_below_it(app):
    def forbidden(name: str) -> bool:
        other = _app(name)
        return other is not None and other not in ALLOWED[app] | {app} and other not in {"config", "settings"}
    assert _violations(app, forbidden) == []


def test_nothing_imports_the_read_only_interfaces():
    offenders = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).parts
        if rel[0] in {"disclosure", "dashboard", "demo"} or rel[0] in {"urls.py"}:
            continue
        for name in _imports(path):
            if _app(name) in {"disclosure", "dashboard", "demo"}:
                offenders.append(f"{path.relative_to(SRC)} imports {name}")
    assert offenders == []


PURE = ["duty.scorecard", "sampling.workflow", "sampling.judge", "referrals.workflow", "grids.geo", "social.codes", "social.rewards", "social.where", "core.workdays", "core.masking", "core.units", "registry.uscc", "registry.risk", "registry.backtest", "registry.risk_learned",
        "registry.risk_simulation", "credit.rating", "cases.workflow", "cases.penalty", "cases.review_gate", "monitoring.hj212", "monitoring.gateway",
        "monitoring.lake", "monitoring.feed", "monitoring.rules", "planning.draw", "planning.roundfile",
        "planning.capacity", "warnings.inputs.mosquitto", "warnings.inputs.mqtt", "ops.supervisor", "ops.schedule", "ops.runstate",
        "cases.daily_penalty", "cases.procedure",
        "onsite.checklists", "onsite.rules", "compliance.workflow", "compliance.sections", "compliance.selfcheck",
        "transfers.thresholds", "transfers.workflow"]


@pytest.mark.parametrize("package", PURE)
def test_pure_modules_do_not_import_django(package):
    if not ((SRC / package.replace(".", "/")).exists() or (SRC / package.replace(".", "/")).with_suffix(".py").exists()):
        pytest.skip(f"{package} not present")
    assert _violations(package, lambda name: name == "django" or name.startswith("django.")) == []


def test_gateway_imports_only_the_codec_and_the_lake():
    def forbidden(name: str) -> bool:
        return name.startswith("ecoenforce.") and not name.startswith(
            ("ecoenforce.monitoring.hj212", "ecoenforce.monitoring.gateway", "ecoenforce.monitoring.lake"))
    assert _violations("monitoring.gateway", forbidden) == []

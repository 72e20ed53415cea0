"""The seeded reference data a test after a flush gets back (`factories.reference_reseed`, fixture
`seeded_reference`): every data migration is either a seed it replays or a change of existing rows it may skip, and
replaying the seeds on a flushed database restores every seeded table."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.migrations import RunPython

from factories import SEED_MIGRATIONS, reference_reseed

# Data migrations that only change rows already there: on an empty (flushed) table they do nothing, so nothing to
# replay. A migration that writes reference data or a policy's first version belongs in factories.SEED_MIGRATIONS.
TRANSFORMS = {
    "assist.migrations.0002_files_in_blob_store": "moves finding files into the blob store",
    "core.migrations.0003_token_expiry_sign_in_throttle": "gives existing tokens an expiry",
    "core.migrations.0005_audit_region_and_verification": "files existing audit events under regions",
    "grids.migrations.0002_photos_in_blob_store": "moves patrol photos into the blob store",
    "leads.migrations.0003_reporter_under_seal": "seals existing reporters' contacts",
    "referrals.migrations.0002_files_in_blob_store": "moves referral files into the blob store",
    "warnings.migrations.0005_registry_limits_data": "carries existing bindings and limits into the registry",
}

# The tables the seeds fill, each with the seed that fills it.
SEEDED = [
    ("core", "Region"), ("core", "ScheduleYear"), ("core", "ScheduleDay"), ("registry", "Industry"),
    ("registry", "RiskPolicy"), ("cases", "StageDeadline"), ("cases", "DiscretionPolicy"),
    ("cases", "LegalReviewPolicy"), ("planning", "PlanningPolicy"), ("credit", "CreditPolicy"),
    ("onsite", "ChecklistPolicy"), ("sampling", "Turnaround"), ("social", "RewardPolicy"),
]  # fmt: skip


def _data_migrations() -> set[str]:
    found = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("ecoenforce."):
            continue
        try:
            package = importlib.import_module(f"{config.name}.migrations")
        except ModuleNotFoundError:
            continue
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            if any(isinstance(op, RunPython) for op in module.Migration.operations):
                found.add(f"{config.name.removeprefix('ecoenforce.')}.migrations.{info.name}")
    return found


def test_every_data_migration_is_a_seed_or_a_change_of_existing_rows():
    found = _data_migrations()
    assert found - set(SEED_MIGRATIONS) - set(TRANSFORMS) == set(), (
        "add it to factories.SEED_MIGRATIONS or TRANSFORMS"
    )
    assert (set(SEED_MIGRATIONS) | set(TRANSFORMS)) - found == set(), "no such data migration"
    assert not set(SEED_MIGRATIONS) & set(TRANSFORMS)


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_gets_every_seeded_row_back(seeded_reference):
    models = [apps.get_model(label, name) for label, name in SEEDED]
    before = {model.__name__: model.objects.count() for model in models}
    assert all(before.values()), before

    call_command("flush", interactive=False, verbosity=0)  # what every transactional test does when it ends
    assert {model.__name__: model.objects.count() for model in models} == dict.fromkeys(before, 0)

    reference_reseed()
    assert {model.__name__: model.objects.count() for model in models} == before
    reference_reseed()  # a database that holds them is left as it is
    assert {model.__name__: model.objects.count() for model in models} == before

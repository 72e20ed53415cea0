"""The starter catalogue (seed/catalogue_starter.json): 23 matters from the national laws, texts still to be checked."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from ecoenforce.core.models import User
from ecoenforce.registry.catalogue.diff import MatterRow
from ecoenforce.registry.catalogue.models import STARTER_SOURCE, CatalogueVersion

STARTER = Path(__file__).resolve().parent.parent / "seed" / "catalogue_starter.json"


def starter_rows() -> tuple[int, str, list[MatterRow]]:
    """(year, note, rows) of the starter catalogue."""
    data = json.loads(STARTER.read_text(encoding="utf-8"))

    def amount(v):
        return None if v is None else Decimal(str(v)).quantize(Decimal("0.01"))

    rows = [MatterRow(**{**m, "penalty_kinds": tuple(m["penalty_kinds"]), "fine_min": amount(m["fine_min"]),
                         "fine_max": amount(m["fine_max"])}) for m in data["matters"]]
    return data["year"], data["note"], rows


@transaction.atomic
def catalogue_load_starter(*, actor: User | None, publish: bool = True) -> CatalogueVersion | None:
    """Create (and publish) the starter catalogue if the platform has no catalogue yet; None if it has one."""
    from ecoenforce.registry.catalogue.services import catalogue_publish, catalogue_version_create

    if CatalogueVersion.objects.exists():
        return None
    year, _note, rows = starter_rows()
    version = catalogue_version_create(actor=actor, year=year, source=STARTER_SOURCE, rows=rows)
    return catalogue_publish(actor=actor, version=version) if publish else version

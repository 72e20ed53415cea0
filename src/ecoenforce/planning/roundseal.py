"""Round files without officers' names or their ties (`ecoenforce-draw-round/2`, docs/draw-algorithm.md §10). Pure.

The draw needs each officer's declared ties (kin, interest, former employer) to recuse them, and anyone must be able
to re-run it. Publishing the ties would tell the world which officer is related to which firm. So a round file of
format 2 publishes:

- each officer as a per-round pseudonym, `P` + the first 32 hex of SHA-256(salt ‖ "…|inspector|" + certificate no.),
  instead of the certificate number (entities' recent inspectors are pseudonyms too);
- each declared tie as a salted commitment, SHA-256(salt ‖ "…|tie|" + pseudonym + "|" + credit code), listed under
  its officer's pseudonym — a fresh 16-byte salt per tie, so no one can test a firm against it;
- at publication, the openings (salt and credit code) of the ties to *drawn targets* only: those are the ties the
  draw used. Ties to firms that were not drawn never influence the selection and stay sealed.

The salts (the "openings" document) stay with the bureau and go to those with a right to check: with them,
`verify_openings` proves every pseudonym is the officer it claims and that no tie to a target was left unopened.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from .draw import EntityRecord, InspectorRecord, canonical_json, entity_to_canonical
from .draw.canonical import sha256_hex

FORMAT_V2 = "ecoenforce-draw-round/2"
# Format 3 = format 2 (pseudonyms, sealed ties) + a weighted round's inclusion probabilities (docs §11).
FORMAT_V3 = "ecoenforce-draw-round/3"
SEALED_FORMATS = (FORMAT_V2, FORMAT_V3)
OPENINGS_FORMAT = "ecoenforce-draw-openings/1"
SALT_BYTES = 16


def pseudonym(certificate_no: str, salt: bytes) -> str:
    """An officer's name in one round: a commitment to the certificate number that reveals nothing without the salt."""
    return "P" + hashlib.sha256(salt + f"{FORMAT_V2}|inspector|{certificate_no}".encode()).hexdigest()[:32]


def tie_commitment(inspector_pseudonym: str, entity_id: str, salt: bytes) -> str:
    """The published form of one declared tie."""
    return hashlib.sha256(salt + f"{FORMAT_V2}|tie|{inspector_pseudonym}|{entity_id}".encode()).hexdigest()


def seal_pools(entities: Sequence[EntityRecord], inspectors: Sequence[InspectorRecord], *,
               salt_source=secrets.token_bytes) -> tuple[list[EntityRecord], list[InspectorRecord], dict[str, Any]]:
    """Replace certificate numbers by pseudonyms and draw fresh salts for every tie.

    Returns the entities (recent inspectors as pseudonyms), the inspectors the draw runs on (pseudonym ids, real
    ties) and the openings document (secret: salts, certificate numbers, tied firms).
    """
    names: dict[str, str] = {}
    opened_inspectors, opened_ties = [], []
    sealed_inspectors = []
    for inspector in sorted(inspectors, key=lambda i: i.id):
        salt = salt_source(SALT_BYTES)
        p = pseudonym(inspector.id, salt)
        names[inspector.id] = p
        opened_inspectors.append({"id": p, "certificate_no": inspector.id, "salt": salt.hex()})
        for entity_id in sorted(inspector.ties):
            opened_ties.append({"inspector": p, "entity": entity_id, "salt": salt_source(SALT_BYTES).hex()})
        sealed_inspectors.append(replace(inspector, id=p))
    sealed_entities = [replace(e, recent_inspectors=frozenset(names.get(c, c) for c in e.recent_inspectors))
                       for e in entities]
    openings = {"format": OPENINGS_FORMAT, "inspectors": sorted(opened_inspectors, key=lambda o: o["id"]),
                "ties": sorted(opened_ties, key=lambda t: (t["inspector"], t["entity"]))}
    return sealed_entities, sealed_inspectors, openings


def _commitments(openings: Mapping[str, Any]) -> dict[str, list[str]]:
    by_inspector: dict[str, list[str]] = {}
    for tie in openings["ties"]:
        by_inspector.setdefault(tie["inspector"], []).append(
            tie_commitment(tie["inspector"], tie["entity"], bytes.fromhex(tie["salt"])))
    return by_inspector


def public_pools(entities: Iterable[EntityRecord], inspectors: Iterable[InspectorRecord],
                 openings: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Both pools as published in format 2: no certificate numbers, ties as salted commitments."""
    commitments = _commitments(openings)
    return {
        "entities": [entity_to_canonical(e) for e in sorted(entities, key=lambda e: e.id)],
        "inspectors": [{"id": i.id, "region": i.region_code, "certified": i.certified,
                        "tie_commitments": sorted(commitments.get(i.id, []))}
                       for i in sorted(inspectors, key=lambda i: i.id)],
    }


def public_pools_digest(pools: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of the published pools (what the commitment binds)."""
    return sha256_hex(canonical_json(pools))


def inspectors_from_public(pools: Mapping[str, Any], ties: Mapping[str, Iterable[str]]) -> list[InspectorRecord]:
    """The inspectors the draw runs on: published fields, with the ties known (opened) for each pseudonym."""
    return [InspectorRecord(id=str(i["id"]), region_code=str(i["region"]), certified=bool(i["certified"]),
                            ties=frozenset(ties.get(str(i["id"]), ()))) for i in pools["inspectors"]]


def openings_ties(openings: Mapping[str, Any]) -> dict[str, set[str]]:
    """Every declared tie by pseudonym (the bureau's side of the draw)."""
    out: dict[str, set[str]] = {}
    for tie in openings["ties"]:
        out.setdefault(tie["inspector"], set()).add(tie["entity"])
    return out


def certificates(openings: Mapping[str, Any]) -> dict[str, str]:
    """Pseudonym → certificate number."""
    return {o["id"]: o["certificate_no"] for o in openings["inspectors"]}


def target_tie_openings(openings: Mapping[str, Any], target_ids: Iterable[str]) -> list[dict[str, str]]:
    """The openings published with the round file: ties to drawn targets only."""
    targets = set(target_ids)
    return [dict(t) for t in openings["ties"] if t["entity"] in targets]


def check_tie_openings(pools: Mapping[str, Any], tie_openings: Sequence[Mapping[str, Any]]) -> tuple[dict[str, set[str]], str]:
    """Check each published opening against its officer's commitments: (ties by pseudonym, "" or the problem)."""
    commitments = {str(i["id"]): set(i.get("tie_commitments", [])) for i in pools["inspectors"]}
    entity_ids = {str(e["id"]) for e in pools["entities"]}
    ties: dict[str, set[str]] = {}
    seen: set[tuple[str, str]] = set()
    for n, opening in enumerate(tie_openings):
        try:
            p, entity, salt = str(opening["inspector"]), str(opening["entity"]), bytes.fromhex(str(opening["salt"]))
        except (KeyError, TypeError, ValueError):
            return ties, f"tie_openings/{n}: needs inspector, entity and a hex salt"
        if p not in commitments:
            return ties, f"tie_openings/{n}: {p} is not in the inspector pool"
        if entity not in entity_ids:
            return ties, f"tie_openings/{n}: {entity} is not in the entity pool"
        if tie_commitment(p, entity, salt) not in commitments[p]:
            return ties, f"tie_openings/{n}: the salt does not open any tie commitment of {p} to {entity}"
        if (p, entity) in seen:
            return ties, f"tie_openings/{n}: the tie {p} – {entity} is opened twice"
        seen.add((p, entity))
        ties.setdefault(p, set()).add(entity)
    return ties, ""


def verify_openings(doc: Mapping[str, Any], openings: Mapping[str, Any]) -> list[tuple[str, bool, str]]:
    """What someone holding the openings can check beyond the public: (check, ok, detail) rows, stopping at a failure.

    1. every pseudonym opens to the certificate number the openings name;
    2. every published tie commitment is opened, and every opening matches a published commitment;
    3. the round file opened every tie to a drawn target (none was hidden to let a tied officer inspect).
    """
    rows: list[tuple[str, bool, str]] = []
    if openings.get("format") != OPENINGS_FORMAT:
        return [("openings", False, f"expected format {OPENINGS_FORMAT!r}, found {openings.get('format')!r}")]
    published = {str(i["id"]): i for i in doc["pools"]["inspectors"]}
    for o in openings["inspectors"]:
        if o["id"] not in published:
            return rows + [("pseudonyms", False, f"{o['id']} is not in the published pool")]
        if pseudonym(o["certificate_no"], bytes.fromhex(o["salt"])) != o["id"]:
            return rows + [("pseudonyms", False, f"{o['id']} does not open to certificate {o['certificate_no']}")]
    if len(openings["inspectors"]) != len(published):
        return rows + [("pseudonyms", False, "the openings do not name every officer of the pool")]
    rows.append(("pseudonyms", True, f"{len(published)} pseudonyms open to their certificate numbers"))
    opened = _commitments(openings)
    for p, inspector in published.items():
        if sorted(opened.get(p, [])) != sorted(inspector.get("tie_commitments", [])):
            return rows + [("tie_commitments", False, f"the ties of {p} do not open to exactly its published commitments")]
    rows.append(("tie_commitments", True, f"{len(openings['ties'])} ties open to the published commitments"))
    targets = [t["entity"] for t in doc["selection"]["targets"]]
    expected = sorted((t["inspector"], t["entity"]) for t in target_tie_openings(openings, targets))
    found = sorted((t["inspector"], t["entity"]) for t in doc.get("tie_openings", []))
    if expected != found:
        return rows + [("tie_openings", False, "the round file does not open exactly the ties to drawn targets "
                                               f"({len(found)} opened, {len(expected)} exist)")]
    rows.append(("tie_openings", True, f"all {len(expected)} ties to drawn targets are opened in the round file"))
    return rows

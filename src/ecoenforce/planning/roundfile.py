"""The published round file of a double-random draw, and its offline verifier (`ecoenforce draw verify`)."""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from .draw import (
    ALGORITHM_VERSION,
    DrawError,
    DrawPolicy,
    DrawResult,
    EntityRecord,
    InspectorRecord,
    commitment,
    draw,
    draw_seed,
    entity_from_canonical,
    entity_to_canonical,
    inspector_from_canonical,
    policy_digest,
    policy_from_canonical,
    policy_to_canonical,
    pools_digest,
    pools_to_canonical,
    result_to_canonical,
    selection_digest,
)
from .roundseal import (
    FORMAT_V2,
    FORMAT_V3,
    check_tie_openings,
    inspectors_from_public,
    public_pools_digest,
    verify_openings,
)

FORMAT_V1 = "ecoenforce-draw-round/1"  # pools in the clear (certificate numbers and ties): rounds before 2026-12
FORMAT_VERSION = FORMAT_V1  # what `build_round_file` writes; the product publishes FORMAT_V2 (roundseal.py)
FORMATS = (FORMAT_V1, FORMAT_V2, FORMAT_V3)


def _iso(ts: datetime) -> str:
    """An aware datetime as ISO 8601; naive times are refused because a published time must be unambiguous."""
    if ts.tzinfo is None or ts.utcoffset() is None:
        raise ValueError("Round timestamps must be timezone-aware.")
    return ts.isoformat()


def commit_record(
    *,
    round_id: str,
    seed: bytes,
    entities: Sequence[EntityRecord],
    inspectors: Sequence[InspectorRecord],
    policy: DrawPolicy,
    committed_at: datetime,
) -> dict[str, Any]:
    """What to publish before the draw: the seed commitment bound to the frozen pools and policy."""
    return {
        "format": FORMAT_VERSION,
        "algorithm": ALGORITHM_VERSION,
        "round_id": round_id,
        "committed_at": _iso(committed_at),
        "commitment": commitment(seed),
        "pools_digest": pools_digest(entities, inspectors),
        "policy_digest": policy_digest(policy),
    }


def build_round_file(
    *,
    round_id: str,
    title: str,
    created_at: datetime,
    committed_at: datetime,
    revealed_at: datetime,
    seed: bytes,
    entities: Sequence[EntityRecord],
    inspectors: Sequence[InspectorRecord],
    policy: DrawPolicy,
    public_entropy: str | None = None,
    result: DrawResult | None = None,
) -> dict[str, Any]:
    """Assemble the publishable round document; runs the draw if `result` is not given."""
    if result is None:
        result = draw(draw_seed(seed, public_entropy), entities, inspectors, policy)
    return {
        "format": FORMAT_VERSION,
        "algorithm": ALGORITHM_VERSION,
        "round_id": round_id,
        "title": title,
        "created_at": _iso(created_at),
        "committed_at": _iso(committed_at),
        "revealed_at": _iso(revealed_at),
        "commitment": commitment(seed),
        "pools_digest": pools_digest(entities, inspectors),
        "policy_digest": policy_digest(policy),
        "seed": bytes(seed).hex(),
        "public_entropy": public_entropy or None,
        "policy": policy_to_canonical(policy),
        "pools": pools_to_canonical(entities, inspectors),
        "selection": result_to_canonical(result),
        "selection_digest": selection_digest(result),
    }


def build_round_file_v2(
    *,
    round_id: str,
    title: str,
    created_at: datetime,
    committed_at: datetime,
    revealed_at: datetime,
    seed: bytes,
    entities: Sequence[EntityRecord],
    inspectors: Sequence[InspectorRecord],
    public_pools: Mapping[str, Any],
    tie_openings: Sequence[Mapping[str, str]],
    policy: DrawPolicy,
    public_entropy: str | None = None,
    file_format: str = FORMAT_V2,
) -> dict[str, Any]:
    """The publishable round document of format 2: pseudonyms, tie commitments, and the openings of ties to targets.

    `entities`/`inspectors` are what the draw ran on (pseudonym ids, real ties); `public_pools` is what was published
    at commitment; `tie_openings` opens the ties to drawn targets (roundseal.target_tie_openings). A weighted round
    (probabilities in the pool) is written as format 3 (`file_format=FORMAT_V3`), the same layout.
    """
    result = draw(draw_seed(seed, public_entropy), entities, inspectors, policy)
    return {
        "format": file_format,
        "algorithm": ALGORITHM_VERSION,
        "round_id": round_id,
        "title": title,
        "created_at": _iso(created_at),
        "committed_at": _iso(committed_at),
        "revealed_at": _iso(revealed_at),
        "commitment": commitment(seed),
        "pools_digest": public_pools_digest(public_pools),
        "policy_digest": policy_digest(policy),
        "seed": bytes(seed).hex(),
        "public_entropy": public_entropy or None,
        "policy": policy_to_canonical(policy),
        "pools": dict(public_pools),
        "tie_openings": sorted((dict(t) for t in tie_openings), key=lambda t: (t["inspector"], t["entity"])),
        "selection": result_to_canonical(result),
        "selection_digest": selection_digest(result),
    }


def dump_round_file(doc: Mapping[str, Any]) -> str:
    """Readable, stable JSON text for publication (indented; digests never depend on this layout)."""
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write_round_file(doc: Mapping[str, Any], path: str | Path) -> None:
    """Write a round document to `path` as UTF-8 JSON."""
    Path(path).write_text(dump_round_file(doc), encoding="utf-8")


@dataclass(frozen=True)
class Check:
    """One verification step and its outcome."""

    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class VerifyReport:
    """The verdict on a round file: every check run, and the first failing one if any."""

    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return all(c.ok for c in self.checks)

    @property
    def first_mismatch(self) -> Check | None:
        """The first failing check, or None."""
        return next((c for c in self.checks if not c.ok), None)

    def render(self) -> str:
        """A readable, line-per-check verdict."""
        lines = [f"[{'OK' if c.ok else 'FAIL'}] {c.name}: {c.detail}" for c in self.checks]
        if self.ok:
            lines.append(
                "VERDICT: OK — the selection follows from the committed seed and the published pools."
            )
        else:
            first = self.first_mismatch
            assert first is not None
            lines.append(f"VERDICT: FAILED — first mismatch at '{first.name}': {first.detail}")
        return "\n".join(lines)


def _first_difference(expected: Any, found: Any, path: str) -> str | None:
    """Describe the first place two JSON values differ, as a JSON-pointer-like path."""
    if isinstance(expected, dict) and isinstance(found, dict):
        for key in sorted(set(expected) | set(found)):
            if key not in found:
                return f"{path}/{key}: missing in the file (expected {json.dumps(expected[key], ensure_ascii=False)})"
            if key not in expected:
                return f"{path}/{key}: not produced by the algorithm"
            diff = _first_difference(expected[key], found[key], f"{path}/{key}")
            if diff:
                return diff
        return None
    if isinstance(expected, list) and isinstance(found, list):
        for i, (e, f) in enumerate(zip(expected, found, strict=False)):
            diff = _first_difference(e, f, f"{path}/{i}")
            if diff:
                return diff
        if len(expected) != len(found):
            return f"{path}: the file has {len(found)} item(s), the algorithm gives {len(expected)}"
        return None
    if expected != found or type(expected) is not type(found):
        return (
            f"{path}: the file says {json.dumps(found, ensure_ascii=False)}, "
            f"the algorithm gives {json.dumps(expected, ensure_ascii=False)}"
        )
    return None


def _load(source: str | Path | Mapping[str, Any]) -> Mapping[str, Any]:
    """Read a round document from a path or accept an already-parsed mapping."""
    if isinstance(source, Mapping):
        return source
    return json.loads(Path(source).read_text(encoding="utf-8"))


def verify_round_file(source: str | Path | Mapping[str, Any]) -> VerifyReport:
    """Recompute commitment, digests and selection from a round file; stop at the first mismatch."""
    checks: list[Check] = []

    def fail(name: str, detail: str) -> VerifyReport:
        checks.append(Check(name, False, detail))
        return VerifyReport(tuple(checks))

    try:
        doc = _load(source)
    except (OSError, ValueError) as exc:
        return fail("read", f"cannot read the round file: {exc}")
    file_format = doc.get("format")
    if file_format not in FORMATS:
        return fail("format", f"expected format {' or '.join(map(repr, FORMATS))}, found {file_format!r}")
    if doc.get("algorithm") != ALGORITHM_VERSION:
        return fail(
            "algorithm",
            f"this verifier implements {ALGORITHM_VERSION!r}, the file uses {doc.get('algorithm')!r}",
        )
    checks.append(Check("format", True, f"{file_format}, algorithm {ALGORITHM_VERSION}"))

    # 1. The revealed seed is the committed one.
    try:
        seed = bytes.fromhex(str(doc["seed"]))
        seed_commitment = commitment(seed)
    except (KeyError, ValueError, DrawError) as exc:
        return fail("seed", f"the revealed seed is not 64 hex digits: {exc}")
    if seed_commitment != doc.get("commitment"):
        return fail(
            "commitment",
            f"SHA-256 of the revealed seed is {seed_commitment}, the published commitment is {doc.get('commitment')}",
        )
    checks.append(Check("commitment", True, f"SHA-256(seed) = {seed_commitment}"))

    # 2. Timeline: committed before revealed.
    try:
        committed = datetime.fromisoformat(doc["committed_at"])
        revealed = datetime.fromisoformat(doc["revealed_at"])
    except (KeyError, TypeError, ValueError) as exc:
        return fail("timestamps", f"committed_at / revealed_at are not ISO 8601 times: {exc}")
    if committed > revealed:
        return fail("timestamps", f"the seed was revealed ({revealed}) before it was committed ({committed})")
    checks.append(
        Check("timestamps", True, f"committed {doc['committed_at']}, revealed {doc['revealed_at']}")
    )

    # 3. The pools and policy are the ones published with the commitment.
    try:
        entities = [entity_from_canonical(e) for e in doc["pools"]["entities"]]
        if file_format == FORMAT_V1:
            inspectors = [inspector_from_canonical(i) for i in doc["pools"]["inspectors"]]
        else:
            inspectors = inspectors_from_public(doc["pools"], {})
        policy = policy_from_canonical(doc["policy"])
    except (KeyError, TypeError, ValueError, DrawError) as exc:
        return fail("pools", f"the pools or policy cannot be read: {exc!r}")
    weighted = policy.mode != "strata" or any(e.probability is not None for e in entities)
    if weighted and file_format != FORMAT_V3:
        return fail("pools", f"inclusion probabilities or a weighted policy appear in a file of format {file_format!r}; "
                             f"only {FORMAT_V3!r} carries them")
    if file_format == FORMAT_V1:
        found_pools = pools_digest(entities, inspectors)
    else:
        # Format 2: the digest is over the published form (pseudonyms, tie commitments) exactly as committed.
        found_pools = public_pools_digest({
            "entities": [entity_to_canonical(e) for e in sorted(entities, key=lambda e: e.id)],
            "inspectors": [{"id": str(i["id"]), "region": str(i["region"]), "certified": bool(i["certified"]),
                            "tie_commitments": sorted(str(c) for c in i.get("tie_commitments", []))}
                           for i in sorted(doc["pools"]["inspectors"], key=lambda i: str(i["id"]))]})
    if found_pools != doc.get("pools_digest"):
        return fail(
            "pools_digest",
            f"the published pools hash to {found_pools}, the file's pools_digest is {doc.get('pools_digest')} "
            "(the pools were changed after they were frozen, or the digest is wrong)",
        )
    pools_text = f"{found_pools} ({len(entities)} entities, {len(inspectors)} inspectors)"
    checks.append(Check("pools_digest", True, pools_text))
    found_policy = policy_digest(policy)
    if found_policy != doc.get("policy_digest"):
        return fail(
            "policy_digest", f"the policy hashes to {found_policy}, the file says {doc.get('policy_digest')}"
        )
    checks.append(Check("policy_digest", True, found_policy))

    if file_format != FORMAT_V1:
        # 3b. The ties the draw used: each published opening must open one of its officer's commitments.
        ties, problem = check_tie_openings(doc["pools"], doc.get("tie_openings") or [])
        if problem:
            return fail("tie_openings", problem)
        inspectors = inspectors_from_public(doc["pools"], ties)
        checks.append(Check("tie_openings", True, f"{sum(len(t) for t in ties.values())} ties to drawn targets "
                                                  "open to their published commitments"))

    # 4. Re-run the draw and compare the selection field by field.
    try:
        public_entropy = doc.get("public_entropy")
        if public_entropy is not None and not isinstance(public_entropy, str):
            return fail("public_entropy", "public_entropy must be a string or null")
        result = draw(draw_seed(seed, public_entropy), entities, inspectors, policy)
    except DrawError as exc:
        return fail("selection", f"the draw cannot be re-run from this file: {exc.code}: {exc.message}")
    expected = result_to_canonical(result)
    diff = _first_difference(expected, doc.get("selection"), "selection")
    if diff:
        return fail("selection", diff)
    checks.append(Check("selection", True, f"{len(result.targets)} targets re-drawn identically"))
    digest = selection_digest(result)
    if digest != doc.get("selection_digest"):
        return fail(
            "selection_digest",
            f"the selection hashes to {digest}, the file says {doc.get('selection_digest')}",
        )
    checks.append(Check("selection_digest", True, digest))
    if file_format != FORMAT_V1:
        drawn = {t.entity_id for t in result.targets}
        stray = sorted(t["entity"] for t in doc.get("tie_openings") or [] if t["entity"] not in drawn)
        if stray:
            return fail("tie_openings", f"ties to firms that were not drawn are opened ({stray[0]}…): they must stay sealed")
    return VerifyReport(tuple(checks))


def verify_round_file_with_openings(source: str | Path | Mapping[str, Any],
                                    openings: str | Path | Mapping[str, Any]) -> VerifyReport:
    """The public checks, then what only a holder of the openings can check (roundseal.verify_openings)."""
    report = verify_round_file(source)
    if not report.ok:
        return report
    doc = _load(source)
    if doc.get("format") not in (FORMAT_V2, FORMAT_V3):
        return VerifyReport(report.checks + (Check("openings", False, "only a round file of format 2 or 3 has openings"),))
    try:
        opened = _load(openings)
        rows = verify_openings(doc, opened)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        rows = [("openings", False, f"cannot read the openings: {exc!r}")]
    return VerifyReport(report.checks + tuple(Check(*row) for row in rows))


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a round file's bytes, for citing a published copy."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def cli_main(argv: Sequence[str], out: TextIO | None = None) -> int:
    """`ecoenforce draw verify ROUND_FILE`: print a readable verdict; exit 0 if it verifies, 1 otherwise."""
    out = out or sys.stdout
    args = list(argv)
    if args[:2] == ["draw", "verify"]:
        args = args[2:]
    elif args[:1] == ["verify"]:
        args = args[1:]
    openings_path = None
    if "--openings" in args:
        i = args.index("--openings")
        if i + 1 >= len(args):
            print("usage: ecoenforce draw verify ROUND_FILE [--openings OPENINGS_FILE]", file=out)
            return 1
        openings_path = Path(args[i + 1])
        del args[i:i + 2]
    if len(args) != 1 or args[0] in ("-h", "--help"):
        print("usage: ecoenforce draw verify ROUND_FILE [--openings OPENINGS_FILE]", file=out)
        return 1 if len(args) != 1 else 0
    path = Path(args[0])
    for p in (path, openings_path):
        if p is not None and not p.is_file():
            print(f"File not found: {p}", file=out)
            return 1
    report = verify_round_file_with_openings(path, openings_path) if openings_path else verify_round_file(path)
    print(f"Round file {path} (sha256 {file_sha256(path)})", file=out)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        print(f"Round {doc.get('round_id')}: {doc.get('title')}", file=out)
    except (OSError, ValueError, AttributeError):
        pass  # the report below already says the file cannot be read
    print(report.render(), file=out)
    return 0 if report.ok else 1

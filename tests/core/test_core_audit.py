"""The hash-chained audit record: chaining, verification, tampering caught at the exact event, the CLI."""

from __future__ import annotations

import json
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from ecoenforce.core.audit import GENESIS_HASH, audit_record, audit_timeline, audit_verify
from ecoenforce.core.models import AuditChainHead, AuditEvent


def _record(actor, n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit_record(actor=actor, object_type="test.thing", object_id=str(i), action="thing.touch",
                         before={"n": i}, after={"n": i + 1, "amount": "12.50"}, reason=f"第{i}次")


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def five_events(inspector_wj):
    _record(inspector_wj, 5)
    return list(AuditEvent.objects.order_by("seq"))


def test_events_chain_from_genesis(five_events, inspector_wj):
    assert [e.seq for e in five_events] == [1, 2, 3, 4, 5]
    assert five_events[0].prev_hash == GENESIS_HASH
    for prev, event in zip(five_events, five_events[1:], strict=False):
        assert event.prev_hash == prev.hash
    assert len({e.hash for e in five_events}) == 5
    assert five_events[2].actor_id == inspector_wj.pk
    assert five_events[2].actor_label == "周明"
    assert five_events[2].after == {"n": 3, "amount": "12.50"}
    head = AuditChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (5, five_events[-1].hash)


def test_verify_passes_on_an_intact_chain(five_events):
    verdict = audit_verify()
    assert (verdict.ok, verdict.checked, verdict.broken_seq, verdict.problem) == (True, 5, None, "")


def test_verify_passes_on_an_empty_chain(db):
    verdict = audit_verify()
    assert (verdict.ok, verdict.checked, verdict.broken_seq) == (True, 0, None)


def test_record_outside_a_transaction_is_refused_and_writes_nothing(db, inspector_wj, monkeypatch):
    # pytest-django wraps every test in a transaction, so pretend the connection is outside one.
    outside = SimpleNamespace(get_connection=lambda: SimpleNamespace(in_atomic_block=False))
    monkeypatch.setattr("ecoenforce.core.audit.transaction", outside)
    with pytest.raises(RuntimeError):
        audit_record(actor=inspector_wj, object_type="t", object_id="1", action="x")
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize("seq", [1, 3, 5])
def test_editing_reason_behind_the_apps_back_names_that_seq(five_events, seq):
    _sql("UPDATE core_auditevent SET reason = %s WHERE seq = %s", ["改过了", seq])
    verdict = audit_verify()
    assert (verdict.ok, verdict.broken_seq, verdict.checked) == (False, seq, seq - 1)
    assert verdict.problem == "content altered: the stored hash does not match the event"


def test_editing_after_json_behind_the_apps_back_names_that_seq(five_events):
    _sql("UPDATE core_auditevent SET after = %s WHERE seq = %s", ['{"n": 3, "amount": "0.00"}', 3])
    verdict = audit_verify()
    assert (verdict.ok, verdict.broken_seq, verdict.checked) == (False, 3, 2)


def test_rehashing_an_edited_row_breaks_the_next_link(five_events):
    _sql("UPDATE core_auditevent SET hash = %s WHERE seq = %s", ["f" * 64, 2])
    verdict = audit_verify()
    assert (verdict.ok, verdict.broken_seq) == (False, 2)
    assert verdict.problem == "content altered: the stored hash does not match the event"


def test_deleting_a_middle_row_is_a_sequence_gap(five_events):
    _sql("DELETE FROM core_auditevent WHERE seq = %s", [3])
    verdict = audit_verify()
    assert (verdict.ok, verdict.broken_seq, verdict.checked) == (False, 4, 2)
    assert verdict.problem == "sequence gap: expected #3, found #4"


def test_deleting_the_last_row_is_caught_by_the_head(five_events):
    _sql("DELETE FROM core_auditevent WHERE seq = %s", [5])
    verdict = audit_verify()
    assert (verdict.ok, verdict.broken_seq, verdict.checked) == (False, 5, 4)
    assert verdict.problem == "events missing at the end: the chain head is further on"


def test_timeline_lists_one_objects_events_in_order(case_wj, advance):
    from ecoenforce.cases.workflow import Stage
    advance(case_wj, to=Stage.REVIEW)
    assert [e.action for e in audit_timeline(obj=case_wj)] == [
        "case.open", "case.approve_filing", "case.start_investigation", "case.submit_for_review",
        "case.propose_penalty"]


def test_command_verify_ok(five_events):
    from io import StringIO
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "OK: 5 events, chain intact." in out.getvalue()


def test_command_verify_fails_naming_the_seq(five_events):
    _sql("UPDATE core_auditevent SET reason = %s WHERE seq = %s", ["x", 4])
    with pytest.raises(CommandError) as exc_info:
        call_command("audit", "verify")
    assert str(exc_info.value) == (
        "BROKEN at event #4: content altered: the stored hash does not match the event (3 events before it are intact).")


# --- checkpoints: the chain anchored outside the database ---------------------------------------------------

def test_checkpoint_is_printed_and_written(five_events, tmp_path):
    out, path = StringIO(), tmp_path / "checkpoint.json"
    call_command("audit", "checkpoint", "--out", str(path), stdout=out)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert json.loads(out.getvalue()) == doc
    assert (doc["format"], doc["seq"], doc["hash"]) == ("ecoenforce-audit-checkpoint/1", 5, five_events[-1].hash)
    assert doc["taken_at"].endswith("Z") and len(doc["taken_at"]) == 20


def test_a_chain_rewritten_end_to_end_passes_verify_but_fails_the_checkpoint(five_events, inspector_wj, tmp_path):
    from ecoenforce.core.audit import _event_hash

    path = tmp_path / "checkpoint.json"
    call_command("audit", "checkpoint", "--out", str(path), stdout=StringIO())
    _record(inspector_wj, 2)  # the chain goes on after the checkpoint: still fine
    out = StringIO()
    call_command("audit", "verify", "--checkpoint", str(path), stdout=out)
    assert out.getvalue().strip() == "OK: 7 events, chain intact, and it extends the checkpoint at event #5."

    prev, rows = GENESIS_HASH, []
    for event in AuditEvent.objects.order_by("seq"):
        reason = "从未发生" if event.seq == 2 else event.reason
        digest = _event_hash(seq=event.seq, at=event.at, actor_id=event.actor_id, actor_label=event.actor_label,
                             object_type=event.object_type, object_id=event.object_id, action=event.action,
                             before=event.before, after=event.after, reason=reason, prev_hash=prev)
        rows.append((event.seq, reason, prev, digest))
        prev = digest
    for seq, _reason, _prev, _digest in rows:  # hashes are unique: move them aside first
        _sql("UPDATE core_auditevent SET hash = %s WHERE seq = %s", [f"old-{seq}", seq])
    for seq, reason, prev_hash, digest in rows:
        _sql("UPDATE core_auditevent SET reason = %s, prev_hash = %s, hash = %s WHERE seq = %s",
             [reason, prev_hash, digest, seq])
    _sql("UPDATE core_auditchainhead SET hash = %s WHERE id = 1", [prev])

    assert audit_verify().ok is True  # without an anchor the rewrite cannot be seen
    with pytest.raises(CommandError) as broken:
        call_command("audit", "verify", "--checkpoint", str(path))
    assert str(broken.value).startswith(f"BROKEN against the checkpoint: event #5 has hash {rows[4][3]}, "
                                        f"the checkpoint taken ")
    assert str(broken.value).endswith(f"says {five_events[-1].hash}: the chain was rewritten.")


def test_a_chain_cut_short_fails_the_checkpoint(five_events, tmp_path):
    path = tmp_path / "checkpoint.json"
    call_command("audit", "checkpoint", "--out", str(path), stdout=StringIO())
    _sql("DELETE FROM core_auditevent WHERE seq > %s", [3])
    _sql("UPDATE core_auditchainhead SET seq = %s, hash = %s WHERE id = 1", [3, five_events[2].hash])
    with pytest.raises(CommandError) as broken:
        call_command("audit", "verify", "--checkpoint", str(path))
    assert str(broken.value) == ("BROKEN against the checkpoint: the chain is shorter than the checkpoint: "
                                 "event #5 does not exist.")


def test_a_file_that_is_not_a_checkpoint_is_refused(five_events, tmp_path):
    path = tmp_path / "checkpoint.json"
    path.write_text('{"seq": "5"}', encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("audit", "verify", "--checkpoint", str(path))
    assert "not a checkpoint file" in str(refused.value)
    with pytest.raises(CommandError) as missing:
        call_command("audit", "verify", "--checkpoint", str(tmp_path / "nope.json"))
    assert missing.value.returncode == 2

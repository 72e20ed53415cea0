"""The transfer of a case to the police (两法衔接) as a pure transition table (no Django), after
环境保护行政执法与刑事司法衔接工作办法 (环环监〔2017〕17号) and, for detention, EPL art. 63.

proposed (the handlers' written report) → the unit leader decides: transfer → to_send → sent (within 24 hours) →
the police accept (accepted) or refuse (refused) → within 3 working days the bureau asks for reconsideration
(reconsideration) or accepts the refusal; the police answer the reconsideration (accepted / refusal_final, after
which the procuratorate's case-filing supervision is the remaining road). A decision not to transfer ends at
not_transferred with its reasons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    PROPOSED = "proposed"
    TO_SEND = "to_send"
    NOT_TRANSFERRED = "not_transferred"
    SENT = "sent"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    RECONSIDERATION = "reconsideration"
    REFUSAL_ACCEPTED = "refusal_accepted"
    REFUSAL_FINAL = "refusal_final"


DECIDED = frozenset(set(Status) - {Status.PROPOSED})
FINISHED = frozenset({Status.NOT_TRANSFERRED, Status.ACCEPTED, Status.REFUSAL_ACCEPTED, Status.REFUSAL_FINAL})

INSPECTOR, LEADER = "inspector", "unit_leader"
HANDLERS = frozenset({INSPECTOR, LEADER})


@dataclass(frozen=True)
class Step:
    action: str
    source: Status
    target: Status
    roles: frozenset[str]
    needs_reason: bool = False


STEPS: tuple[Step, ...] = (
    # 环环监〔2017〕17号: the head approves or rejects within 3 days of the written report.
    Step("approve_transfer", Status.PROPOSED, Status.TO_SEND, frozenset({LEADER}), needs_reason=True),
    Step("decide_not_to_transfer", Status.PROPOSED, Status.NOT_TRANSFERRED, frozenset({LEADER}), needs_reason=True),
    # Materials to the police within 24 hours of the decision, a copy to the procuratorate.
    Step("send", Status.TO_SEND, Status.SENT, HANDLERS),
    Step("police_accept", Status.SENT, Status.ACCEPTED, HANDLERS),
    Step("police_refuse", Status.SENT, Status.REFUSED, HANDLERS, needs_reason=True),
    # Reconsideration within 3 working days of the refusal; the police answer within 3 working days.
    Step("request_reconsideration", Status.REFUSED, Status.RECONSIDERATION, HANDLERS, needs_reason=True),
    Step("accept_refusal", Status.REFUSED, Status.REFUSAL_ACCEPTED, frozenset({LEADER}), needs_reason=True),
    Step("police_accept", Status.RECONSIDERATION, Status.ACCEPTED, HANDLERS),
    Step("police_refuse", Status.RECONSIDERATION, Status.REFUSAL_FINAL, HANDLERS, needs_reason=True),
)

_BY_KEY = {(s.source, s.action): s for s in STEPS}


def step_for(source: Status | str, action: str) -> Step | None:
    return _BY_KEY.get((Status(source), action))


def steps_from(source: Status | str) -> list[Step]:
    return [s for s in STEPS if s.source == Status(source)]


# The timers.
DECIDE_WITHIN_DAYS = 3  # calendar days from the written report (the 办法 says 3日, not working days)
SEND_WITHIN = dt.timedelta(hours=24)
POLICE_DECIDE_DAYS = 3  # the police decide on opening a case within 3 days (7 with verification, 30 if complex)
RECONSIDERATION_WORKING_DAYS = 3  # request within 3 working days of the refusal
SHARE_WITHIN_DAYS = 7  # 办法 art. 34: the decision on the sharing platform within 7 days

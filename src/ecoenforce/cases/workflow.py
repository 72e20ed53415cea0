"""The case workflow as an explicit transition table (pure: no Django models).

立案审批 → 立案 → 调查取证 → 案件审查 → 法制审核 → 告知 → 决定 → 送达 → 执行 → 结案, with the returns and early
closures a real bureau needs. Every change of stage goes through `cases.services.case_transition`,
which checks this table; nothing else moves a case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Stage(StrEnum):
    """Where a case stands."""

    PROPOSED = "proposed"  # 立案审批 (an officer proposes the filing; a leader approves it)
    FILED = "filed"  # 立案
    INVESTIGATION = "investigation"  # 调查取证
    REVIEW = "review"  # 案件审查
    LEGAL_REVIEW = "legal_review"  # 法制审核
    NOTICE = "notice"  # 告知 (事先告知, 陈述申辩/听证)
    DECISION = "decision"  # 决定 (decision issued)
    SERVICE = "service"  # 送达 (decision served)
    EXECUTION = "execution"  # 执行
    CLOSED = "closed"  # 结案
    SUSPENDED = "suspended"  # 中止调查 (off the main road: the 90-day limit stops until the investigation resumes)


# The main road (progress bars, "at least at" checks); a suspended case stands where its investigation stood.
ORDER = [s for s in Stage if s is not Stage.SUSPENDED]
OPEN_STAGES = frozenset(ORDER[:-1]) | {Stage.SUSPENDED}


@dataclass(frozen=True)
class Transition:
    """One allowed move: its action name, the roles that may take it, and what it needs from the person."""

    action: str
    source: Stage
    target: Stage
    roles: frozenset[str]
    needs_reason: bool = False
    needs_decision: bool = False
    forward: bool = True
    serves_notice: bool = False  # records the advance notice served today and starts the party's period
    records_waiver: bool = False  # records the party's written waiver of statement, defence and hearing
    approves_filing: bool = False  # the filing date (and the 90-day decision limit) is the approval's
    records_no_penalty: bool = False  # may record the no-penalty ground (轻微不罚, 首违不罚, no fault) it closes on
    records_review: bool = False  # records the legal-review opinion (法制审核) a major decision needs
    proposes: bool = False  # records the proposed penalty (拟处罚): matter, discretion, fine, other penalties
    needs_proposal: bool = False  # only once a penalty is proposed (legal review and the notice examine it)
    minor_only: bool = False  # refused when the proposed penalty is a major decision (it goes to legal review)
    # What else the step records (`cases.procedure_services` has one recorder per name, with its checks):
    # suspension, resumption, extension, hearing_request, hearing_notice, hearing, discussion, service, payment,
    # enforcement.
    records: str = ""


INSPECTOR, LEADER, LEGAL = "inspector", "unit_leader", "legal_reviewer"

TRANSITIONS: tuple[Transition, ...] = (
    # 立案审批: no officer files a case alone; the leader approves (or refuses) the filing with a written opinion.
    Transition("approve_filing", Stage.PROPOSED, Stage.FILED, frozenset({LEADER}), needs_reason=True,
               approves_filing=True),
    Transition("reject_filing", Stage.PROPOSED, Stage.CLOSED, frozenset({LEADER}), needs_reason=True),
    Transition("start_investigation", Stage.FILED, Stage.INVESTIGATION, frozenset({INSPECTOR, LEADER})),
    # 拟处罚: the handlers propose the penalty (matter, discretion facts, fine, other penalties) with their findings;
    # case review may set it again. The legal reviewer examines it and the advance notice states it (行政处罚法
    # arts. 44, 58).
    Transition("propose_penalty", Stage.INVESTIGATION, Stage.INVESTIGATION, frozenset({INSPECTOR, LEADER}),
               proposes=True),
    Transition("submit_for_review", Stage.INVESTIGATION, Stage.REVIEW, frozenset({INSPECTOR, LEADER})),
    Transition("propose_penalty", Stage.REVIEW, Stage.REVIEW, frozenset({LEADER}), proposes=True),
    Transition("return_for_evidence", Stage.REVIEW, Stage.INVESTIGATION, frozenset({LEADER}), needs_reason=True, forward=False),
    Transition("send_to_legal_review", Stage.REVIEW, Stage.LEGAL_REVIEW, frozenset({LEADER}), needs_proposal=True),
    # 法制审核 is required only for major decisions (行政处罚法 art. 58; `cases.review_gate`): others go on to the
    # advance notice directly; a major proposal cannot skip it, and `decide` refuses a major decision that has no
    # recorded review opinion (the penalty may have grown after the notice).
    Transition("proceed_to_notice", Stage.REVIEW, Stage.NOTICE, frozenset({LEADER}), needs_proposal=True,
               minor_only=True),
    Transition("close_without_penalty", Stage.REVIEW, Stage.CLOSED, frozenset({LEADER}), needs_reason=True,
               records_no_penalty=True),
    Transition("legal_review_pass", Stage.LEGAL_REVIEW, Stage.NOTICE, frozenset({LEGAL}), needs_reason=True,
               records_review=True),
    Transition("legal_review_return", Stage.LEGAL_REVIEW, Stage.INVESTIGATION, frozenset({LEGAL}), needs_reason=True, forward=False),
    # 告知 (行政处罚法 art. 44): the notice of the proposed penalty and of the rights to state, defend and ask for a
    # hearing is served; the decision waits for the period (art. 64: a hearing is asked for within 5 days; art. 85:
    # working days) unless the party waives in writing.
    Transition("serve_notice", Stage.NOTICE, Stage.NOTICE, frozenset({INSPECTOR, LEADER}), serves_notice=True),
    Transition("record_waiver", Stage.NOTICE, Stage.NOTICE, frozenset({INSPECTOR, LEADER}), needs_reason=True,
               records_waiver=True),
    Transition("decide", Stage.NOTICE, Stage.DECISION, frozenset({LEADER}), needs_decision=True),
    # A decision found major at the notice stage (a hearing was held, the penalty grew) goes to legal review then.
    Transition("send_to_legal_review", Stage.NOTICE, Stage.LEGAL_REVIEW, frozenset({LEADER})),
    # After the statement and defence the leader may still find no penalty due (行政处罚法 art. 33).
    Transition("close_without_penalty", Stage.NOTICE, Stage.CLOSED, frozenset({LEADER}), needs_reason=True,
               records_no_penalty=True),
    Transition("serve", Stage.DECISION, Stage.SERVICE, frozenset({INSPECTOR, LEADER}), records="service"),
    Transition("start_execution", Stage.SERVICE, Stage.EXECUTION, frozenset({INSPECTOR, LEADER})),
    Transition("close", Stage.EXECUTION, Stage.CLOSED, frozenset({LEADER}), needs_reason=True),
    # 中止/终止调查 (生态环境行政处罚办法 2023 arts. 35–36, the department head approves): a suspension stops the
    # 90-day decision limit, the resumption restarts it with the working days that were left; a termination closes.
    Transition("suspend_investigation", Stage.INVESTIGATION, Stage.SUSPENDED, frozenset({LEADER}), needs_reason=True,
               records="suspension"),
    Transition("resume_investigation", Stage.SUSPENDED, Stage.INVESTIGATION, frozenset({LEADER}), needs_reason=True,
               records="resumption"),
    Transition("terminate_investigation", Stage.INVESTIGATION, Stage.CLOSED, frozenset({LEADER}), needs_reason=True),
    Transition("terminate_investigation", Stage.SUSPENDED, Stage.CLOSED, frozenset({LEADER}), needs_reason=True),
    # 听证 (行政处罚法 arts. 63–64): the party asks within the notice period, is told 7 days before, the hearing is
    # held by someone who did not investigate the case and recorded; a decision after a hearing is major.
    Transition("request_hearing", Stage.NOTICE, Stage.NOTICE, frozenset({INSPECTOR, LEADER}), records="hearing_request"),
    Transition("schedule_hearing", Stage.NOTICE, Stage.NOTICE, frozenset({INSPECTOR, LEADER}), records="hearing_notice"),
    Transition("record_hearing", Stage.NOTICE, Stage.NOTICE, frozenset({INSPECTOR, LEADER}), records="hearing"),
    # 集体讨论 (行政处罚法 art. 57): complex cases and heavy penalties are decided by the heads together.
    Transition("record_discussion", Stage.REVIEW, Stage.REVIEW, frozenset({LEADER}), records="discussion"),
    Transition("record_discussion", Stage.NOTICE, Stage.NOTICE, frozenset({LEADER}), records="discussion"),
    # 送达 and 执行: payment within 15 days of service, the late surcharge, the court's enforcement.
    Transition("record_payment", Stage.SERVICE, Stage.SERVICE, frozenset({INSPECTOR, LEADER}), records="payment"),
    Transition("record_payment", Stage.EXECUTION, Stage.EXECUTION, frozenset({INSPECTOR, LEADER}), records="payment"),
    Transition("apply_enforcement", Stage.EXECUTION, Stage.EXECUTION, frozenset({LEADER}), needs_reason=True,
               records="enforcement"),
) + tuple(
    # The 90-day limit extended once by 30 days with the head's approval (recorded, with the reason).
    Transition("extend_decision_limit", stage, stage, frozenset({LEADER}), needs_reason=True, records="extension")
    for stage in (Stage.FILED, Stage.INVESTIGATION, Stage.REVIEW, Stage.LEGAL_REVIEW, Stage.NOTICE)
)

_BY_KEY = {(t.source, t.action): t for t in TRANSITIONS}


def transition_for(source: Stage | str, action: str) -> Transition | None:
    """The table entry for taking `action` from `source`, or None if the table has no such move."""
    return _BY_KEY.get((Stage(source), action))


def transitions_from(source: Stage | str) -> list[Transition]:
    """Every move the table allows out of `source`, in table order."""
    return [t for t in TRANSITIONS if t.source == Stage(source)]


def stage_index(stage: Stage | str) -> int:
    """Position of a stage on the main road (for progress bars and 'at least at' checks); a suspended case stands at
    the investigation."""
    stage = Stage(stage)
    return ORDER.index(Stage.INVESTIGATION if stage is Stage.SUSPENDED else stage)


# 行政处罚法 art. 64 (a hearing is requested within 5 days of the notice) and art. 85 (such periods are working days).
NOTICE_PERIOD_WORKING_DAYS = 5


def notice_blocks_decision(*, served_on: dt.date | None, period_ends: dt.date | None, waived_on: dt.date | None,
                           today: dt.date, hearing_requested: bool = False, hearing_held: bool = False) -> str:
    """Why a decision cannot be made yet: "not_served", "period_running", "hearing_pending" (the party asked for a
    hearing that has not been held), or "" when it can (the period is over, the hearing was held, or the party
    waived its rights in writing after being notified)."""
    if served_on is None or period_ends is None:
        return "not_served"
    if waived_on is not None and waived_on >= served_on:
        return ""
    if hearing_requested:
        return "" if hearing_held else "hearing_pending"
    return "period_running" if today <= period_ends else ""

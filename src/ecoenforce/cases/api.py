"""Case endpoints: list, read and move cases through the workflow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Query, Router, Schema

from ecoenforce.cases import services
from ecoenforce.cases.selectors import (
    CaseFilters,
    case_actions_for_user,
    case_get_for_user,
    case_list_for_user,
)
from ecoenforce.core.access import STAFF_ROLES, require_role
from ecoenforce.core.api_lists import ListQuery, list_page

router = Router(tags=["cases"])


class CaseOut(Schema):
    id: int
    number: str
    title: str
    stage: str
    entity_id: int
    entity_name: str
    region_code: str
    filed_on: dt.date
    decision_due: dt.date
    decision_due_provisional: bool
    stage_due: dt.date | None
    outcome: str
    fine_amount: Decimal | None
    fine_computed: Decimal | None
    fine_deviation_reason: str
    discretion: dict
    decision_number: str
    matter_code: str
    legal_basis: str
    legal_reviewed_on: dt.date | None
    legal_review_opinion: str
    proposal: dict  # the proposed penalty: {matter, fine, kinds, on, by}; empty until propose_penalty
    allowed_actions: list[str]

    @staticmethod
    def from_model(case, user) -> CaseOut:
        return CaseOut(
            id=case.pk, number=case.number, title=case.title, stage=case.stage, entity_id=case.entity_id,
            entity_name=case.entity.name, region_code=case.region.code, filed_on=case.filed_on,
            decision_due=case.decision_due, decision_due_provisional=case.decision_due_provisional,
            stage_due=case.stage_due, outcome=case.outcome, fine_amount=case.fine_amount,
            fine_computed=case.fine_computed, fine_deviation_reason=case.fine_deviation_reason,
            discretion=case.discretion or {},
            decision_number=case.decision_number, matter_code=case.matter.code if case.matter_id else "",
            legal_basis=case.legal_basis, legal_reviewed_on=case.legal_reviewed_on,
            legal_review_opinion=case.legal_review_opinion, proposal=case.proposal or {},
            allowed_actions=[t.action for t in case_actions_for_user(user=user, case=case)],
        )


class CaseQuery(ListQuery):
    q: str = ""
    stage: str = ""
    region: str = ""
    overdue: str = ""


class CasePage(Schema):
    count: int
    items: list[CaseOut]


class TransitionIn(Schema):
    action: str
    expected_stage: str | None = None
    reason: str = ""
    fine_amount: str | None = None
    decision_text: str = ""
    matter_code: str = ""
    # Decision and proposed penalty (propose_penalty): {levels: {factor: level}, situations: [...], no_penalty, apology, apology_percent, exclusions}.
    discretion: dict | None = None
    deviation_reason: str = ""
    # Decision and proposed penalty: other penalties imposed (PenaltyKind codes, e.g. restrict, revoke) and whether a hearing was
    # held — with the fine they decide whether the decision is major and needs a recorded legal review.
    penalty_kinds: list[str] = []
    hearing_held: bool = False  # a hearing held on paper before the case was entered (a recorded one counts anyway)
    # The fields of a procedural step (hearing_on, place, host, attendees, arguments, outcome, participants,
    # conclusion, method, consent, recipient, amount, receipt_no, court, request_text): see cases.procedure_services.
    details: dict[str, str] = {}


@router.get("/", response=CasePage, summary="List cases")
def list_cases(request, query: Query[CaseQuery]):
    require_role(request.user, STAFF_ROLES)
    count, page = list_page(case_list_for_user(user=request.user, filters=CaseFilters(**query.filters())), query)
    return {"count": count, "items": [CaseOut.from_model(c, request.user) for c in page]}


@router.get("/{case_id}", response=CaseOut, summary="Read one case")
def get_case(request, case_id: int):
    require_role(request.user, STAFF_ROLES)
    return CaseOut.from_model(case_get_for_user(user=request.user, case_id=case_id), request.user)


@router.post("/{case_id}/transition", response=CaseOut, summary="Take one workflow step")
def transition_case(request, case_id: int, payload: TransitionIn):
    require_role(request.user, STAFF_ROLES)
    case = case_get_for_user(user=request.user, case_id=case_id)
    services.case_transition(case_id=case.pk, actor=request.user, action=payload.action, reason=payload.reason,
                             expected_stage=payload.expected_stage, fine_amount=payload.fine_amount,
                             decision_text=payload.decision_text, matter_code=payload.matter_code,
                             discretion=payload.discretion, deviation_reason=payload.deviation_reason,
                             penalty_kinds=payload.penalty_kinds, hearing_held=payload.hearing_held,
                             details=payload.details)
    return CaseOut.from_model(case_get_for_user(user=request.user, case_id=case_id), request.user)

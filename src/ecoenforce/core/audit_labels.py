"""Names people read for the whole-process record: what a chain check found (and, below, actions and objects)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.units import unit_normal

CHAIN_PROBLEMS = {
    "sequence_gap": _("an event is missing: the sequence numbers jump here"),
    "link_broken": _("link broken: this event does not point to the one before it"),
    "content_altered": _("content altered: the event is no longer what was recorded"),
    "events_missing": _("events missing at the end: the chain head is further on"),
    "checkpoint_invalid": _("the checkpoint file is not one written by `ecoenforce audit checkpoint`"),
    "checkpoint_missing": _("the chain is shorter than a published checkpoint"),
    "checkpoint_mismatch": _("the chain was rewritten: it no longer holds a published checkpoint's hash"),
}


def chain_problem_label(code: str) -> str:
    """The translated description of a chain problem code, or "" for an unknown code."""
    label = CHAIN_PROBLEMS.get(code)
    return str(label) if label is not None else ""


# Every action the services record, as a reader says it. `tests/core/test_core_audit_labels.py` finds every
# `action="…"` in the code and fails if one is missing here: add yours when you add an audited action.
ACTIONS = {
    "admin.add": _("Added in the administration site"),
    "admin.change": _("Changed in the administration site"),
    "admin.delete": _("Deleted in the administration site"),
    "api_token.create": _("API token issued"),
    "api_token.revoke": _("API token revoked"),
    "case.open": _("Case proposed for filing"),
    "case.approve_filing": _("Filing approved"),
    "case.reject_filing": _("Filing refused"),
    "case.start_investigation": _("Investigation started"),
    "case.submit_for_review": _("Submitted for review"),
    "case.return_for_evidence": _("Returned for more evidence"),
    "case.propose_penalty": _("Penalty proposed"),
    "case.send_to_legal_review": _("Sent to legal review"),
    "case.proceed_to_notice": _("Sent to advance notice without legal review (not a major decision)"),
    "case.close_without_penalty": _("Closed without penalty"),
    "case.legal_review_pass": _("Legal review passed"),
    "case.legal_review_return": _("Returned by legal review"),
    "case.serve_notice": _("Advance notice served"),
    "case.record_waiver": _("Written waiver of statement, defence and hearing recorded"),
    "case.decide": _("Penalty decided"),
    "case.serve": _("Decision served"),
    "case.start_execution": _("Execution started"),
    "case.close": _("Case closed"),
    "case_facts.record": _("Facts for the criminal thresholds recorded"),
    "transfer.propose": _("Transfer to the police reported"),
    "transfer.approve_transfer": _("Transfer to the police approved"),
    "transfer.decide_not_to_transfer": _("Decided not to transfer to the police"),
    "transfer.send": _("Transfer package sent to the police"),
    "transfer.police_accept": _("Police accepted the transfer"),
    "transfer.police_refuse": _("Police refused the transfer"),
    "transfer.request_reconsideration": _("Reconsideration of the police's refusal requested"),
    "transfer.accept_refusal": _("Police's refusal accepted"),
    "transfer.share": _("Transfer decision shared with the procuratorate"),
    "typical_case.create": _("Published as a typical case"),
    "supervision.open": _("Case put under supervision (挂牌督办)"),
    "supervision.report": _("Progress reported to the supervising bureau"),
    "supervision.lift": _("Supervision lifted"),
    "special_case.create": _("Special case opened"),
    "decision.withdraw": _("Revoked decision withdrawn from the public portal"),
    "case.publication_withdraw": _("Decision taken off the public portal"),
    "catalogue.draft": _("Catalogue draft created"),
    "discretion_policy.add": _("Discretion policy version added"),
    "legal_review_policy.add": _("Legal review policy version added"),
    "contact.reveal": _("Sealed reporter identity viewed"),
    "catalogue.import": _("Catalogue imported"),
    "catalogue.matter_save": _("Catalogue item saved"),
    "catalogue.publish": _("Catalogue published"),
    "device.bind": _("Device bound to an entity"),
    "device.bind_publisher": _("Device's MQTT publisher set"),
    "entity.classify": _("Risk class set"),
    "entity.create": _("Entity registered"),
    "entity.import_create": _("Entity imported"),
    "entity.import_update": _("Entity updated by import"),
    "inputs.electricity": _("Electricity readings received"),
    "inputs.video": _("Video event received"),
    "inspector.create": _("Inspector added"),
    "notifications.preferences": _("Notification preferences changed"),
    "inspector.invite": _("Inspector invited to sign in"),
    "inspector.update": _("Inspector updated"),
    "inspector.profile_update": _("Inspector pool data updated"),
    "inspector.ties_declare": _("Conflict-of-interest ties declared"),
    "lead.create": _("Lead received"),
    "lead.assign": _("Lead assigned to an officer"),
    "lead.close": _("Lead closed"),
    "lead.convert": _("Case opened from the lead"),
    "tip.submit": _("Tip received with a tracking code"),
    "tip.link_duplicate": _("Tip linked to an earlier report of the same facts"),
    "upload.open": _("Upload started"),
    "upload.mismatch": _("Upload refused: the file is not the one declared"),
    "upload.complete": _("Upload completed into the evidence store"),
    "reward.claim": _("Tip reward claimed"),
    "reward.approve": _("Tip reward approved"),
    "reward.refuse": _("Tip reward refused"),
    "reward.pay": _("Tip reward payment recorded"),
    "reward_policy.add": _("Tip reward policy version added"),
    "grid.create": _("Grid drawn"),
    "grid.members": _("Grid members assigned"),
    "patrol_plan.create": _("Patrol plan made"),
    "patrol.start": _("Patrol started"),
    "patrol.track": _("Patrol track points added"),
    "patrol.problem": _("Problem reported on a patrol"),
    "patrol.finish": _("Patrol ended"),
    "assignment.create": _("Third-party assignment made"),
    "finding.report": _("Third-party finding reported"),
    "referral.send": _("Referral sent"),
    "referral.answer": _("Referral answered"),
    "referral.close": _("Referral closed"),
    "referral_policy.add": _("Referral policy version added"),
    "joint_inspection.plan": _("Joint inspection planned"),
    "joint_inspection.result": _("Joint inspection result recorded"),
    "sampling.request": _("Sampling requested from the monitoring station"),
    "sampling.sample": _("Sample taken"),
    "sampling.custody": _("Sample custody step recorded"),
    "sampling.report": _("Lab result reported"),
    "sampling.close": _("Sampling request closed"),
    "sampling.cancel": _("Sampling request cancelled"),
    "sampling.raise_lead": _("Lead raised from a lab result"),
    "duty_policy.add": _("Scorecard policy version added"),
    "duty.firm_rating": _("Firm rated how its case was handled"),
    "duty.public_rating": _("Tipster rated how the tip was handled"),
    "duty.requirements_add": _("Duty requirements added"),
    "limits.seed": _("Emission limits loaded"),
    "mqtt_config.write": _("MQTT broker files written"),
    "mqtt_publisher.issue": _("MQTT publisher issued"),
    "mqtt_publisher.reset_password": _("MQTT publisher's password reset"),
    "monitoring_device.register": _("Monitoring device registered"),
    "monitoring_device.update": _("Monitoring device updated"),
    "monitoring_device.activate": _("Monitoring device activated"),
    "monitoring_device.deactivate": _("Monitoring device deactivated"),
    "monitoring_device.import": _("Monitoring devices imported"),
    "monitoring_device.release_quarantine": _("Quarantined frames released"),
    "plan.create": _("Plan created"),
    "plan.set_routine": _("Routine figures set"),
    "plan.campaign": _("Campaign line added"),
    "plan.campaign_remove": _("Campaign line removed"),
    "plan.approve": _("Plan approved"),
    "plan.reopen": _("Plan reopened"),
    "planning_policy.add": _("Planning policy version added"),
    "point_limit.assign": _("Limit assigned to a monitoring point"),
    "point_limit.change": _("Limit of a monitoring point changed"),
    "pool.import": _("Pool imported"),
    "positive_list.apply": _("Positive-list application"),
    "positive_list.approve": _("Positive-list entry approved"),
    "positive_list.reject": _("Positive-list application rejected"),
    "positive_list.propose_removal": _("Removal from the positive list proposed"),
    "positive_list.remove": _("Removed from the positive list"),
    "positive_list.keep": _("Kept on the positive list"),
    "positive_list.expire": _("Positive-list entry expired"),
    "risk_policy.create": _("Risk policy version added"),
    "risk_backtest.request": _("Risk back-test requested"),
    "risk_policy.score_choice": _("Risk score in force chosen (points or learned)"),
    "risk_score_fit.request": _("Learned risk score: fit requested (background)"),
    "credit.partner_list_create": _("Credit list for a partner department created"),
    "credit.partner_list_export": _("Credit list for a partner department downloaded"),
    "credit_policy.create": _("Credit policy version added"),
    "credit.rate": _("Credit grade computed"),
    "entity.credit_grade": _("Credit grade set from the rating"),
    "credit_repair.request": _("Credit repair requested"),
    "credit_repair.approve": _("Credit repaired"),
    "credit_repair.refuse": _("Credit repair refused"),
    "rectification.issue": _("Rectification task issued"),
    "rectification.submit": _("Rectification evidence submitted"),
    "rectification.accept": _("Rectification accepted"),
    "rectification.return": _("Rectification returned to the firm"),
    "rectification.close": _("Own rectification closed by the firm"),
    "self_inspection.record": _("Self-inspection recorded"),
    "disclosure.save": _("Disclosure report draft saved"),
    "disclosure.publish": _("Disclosure report published"),
    "help_visit.record": _("Help visit recorded"),
    "sign_in.lock": _("Sign-in locked after repeated failures"),
    "sign_in.unlock": _("Sign-in unlocked"),
    "round.commit": _("Round committed (pools frozen)"),
    "round.draw": _("Round drawn"),
    "round.publish": _("Round published"),
    "round.openings_reveal": _("Round openings downloaded (officers behind pseudonyms, tie salts)"),
    "round.withdraw": _("Round withdrawn before publication"),
    "round.correct": _("Correction notice published on a round"),
    "rule_policy.create": _("Rule policy version added"),
    "rule_run.create": _("Rule run started"),
    "task.result": _("Inspection result recorded"),
    "task.not_inspected": _("Target marked not inspected"),
    "task.result_correct": _("Inspection result corrected"),
    "task.result_receive": _("Cross-region result received by the home bureau"),
    "notice.answer": _("Electronic notice answered by the enterprise"),
    "user.create_administrator": _("First administrator created"),
    "warning.raise": _("Warning raised"),
    "warning.take": _("Warning taken"),
    "warning.dismiss": _("Warning dismissed"),
    "warning.notify": _("Electronic notice sent"),
    "warning.lead": _("Lead raised from a warning"),
    # Issue 10 items 2 and 3: the procedure after the notice and the daily penalty.
    "case.suspend_investigation": _("Investigation suspended"),
    "case.resume_investigation": _("Investigation resumed"),
    "case.terminate_investigation": _("Investigation terminated"),
    "case.extend_decision_limit": _("Decision time limit extended"),
    "case.request_hearing": _("Hearing requested by the party"),
    "case.schedule_hearing": _("Hearing notice served"),
    "case.record_hearing": _("Hearing held and recorded"),
    "case.record_discussion": _("Collective discussion recorded"),
    "case.record_payment": _("Payment recorded"),
    "case.apply_enforcement": _("Court enforcement applied for"),
    "case.correction_order": _("Order to correct served (daily penalty)"),
    "case.reinspection": _("Covert re-inspection recorded"),
    "procedure_policy.add": _("Procedure policy version added"),
    "checklist_policy.add": _("Inspection checklist version added"),
    "onsite_record.submit": _("On-site record filed"),
    "inquiry_record.submit": _("Inquiry record filed"),
    "evidence.add": _("Evidence filed"),
}


def action_label(action: str) -> str:
    """The translated name of an action code; an unknown code is shown as it is."""
    label = ACTIONS.get(action)
    return str(label) if label is not None else action


@dataclass(frozen=True)
class ObjectKind:
    """How the record names and links one kind of object: its kind's name, the object's label, its page."""

    name: object  # a lazy translation
    label: Callable[[Any], str] = str
    url: tuple[str, str, str] | None = None  # (url name, keyword, attribute of the object)
    related: tuple[str, ...] = ()  # select_related for the label


def _pk(name: str, keyword: str) -> tuple[str, str, str]:
    return name, keyword, "pk"


OBJECT_KINDS: dict[str, ObjectKind] = {
    "cases.case": ObjectKind(_("Case"), lambda o: f"{o.number} {o.title}", _pk("cases:detail", "case_id")),
    "casebook.typicalcase": ObjectKind(_("Typical case"), lambda o: o.title, _pk("disclosure:typical_detail", "typical_id")),
    "special.specialcase": ObjectKind(_("Special case"), lambda o: o.name, _pk("special:detail", "special_id")),
    "special.supervision": ObjectKind(_("Supervised case"), lambda o: f"{o.case.number} {o.case.title}",
                                      related=("case",)),
    "transfers.transfer": ObjectKind(_("Transfer to the police"), lambda o: f"{o.case.number} {o.get_kind_display()}",
                                     _pk("transfers:detail", "transfer_id"), related=("case",)),
    "leads.lead": ObjectKind(_("Lead"), lambda o: f"{o.number} {o.title}", _pk("leads:detail", "lead_id")),
    "registry.regulatedentity": ObjectKind(_("Regulated entity"), lambda o: o.name,
                                           _pk("registry:entity_detail", "entity_id")),
    "registry.positivelistentry": ObjectKind(_("Positive-list entry"), lambda o: o.entity.name,
                                             _pk("registry:positive_entry", "entry_id"), ("entity",)),
    "registry.catalogueversion": ObjectKind(_("Enforcement-item catalogue"), lambda o: str(o.year),
                                            ("registry:catalogue_version", "year", "year")),
    "registry.inspectortie": ObjectKind(_("Conflict-of-interest tie"),
                                        lambda o: f"{o.inspector.display_name} · {o.entity.name}",
                                        related=("inspector", "entity")),
    "registry.enforcementmatter": ObjectKind(_("Catalogue item"), lambda o: f"{o.code} {o.name}"),
    "registry.riskpolicy": ObjectKind(_("Risk policy"), lambda o: f"v{o.version}"),
    "registry.riskbacktest": ObjectKind(_("Risk back-test"), lambda o: f"{o.filename} @ {o.cutoff}"),
    "registry.pool_entities": ObjectKind(_("Entity pool")),
    "registry.pool_inspectors": ObjectKind(_("Inspector pool")),
    "planning.inspectionplan": ObjectKind(_("Inspection plan"), lambda o: f"{o.organization.name} {o.year}",
                                          _pk("planning:plan_detail", "plan_id"), ("organization",)),
    "planning.drawround": ObjectKind(_("Double-random round"), lambda o: o.title,
                                     _pk("planning:round_detail", "round_id")),
    "planning.inspectiontask": ObjectKind(_("Inspection task"), lambda o: f"{o.round.title} · {o.entity.name}",
                                          _pk("planning:task_detail", "task_id"), ("round", "entity")),
    "planning.planningpolicy": ObjectKind(_("Planning policy"), lambda o: f"v{o.version}"),
    "sampling.samplingrequest": ObjectKind(_("Sampling request"), lambda o: f"{o.number} · {o.entity.name}",
                                           _pk("sampling:detail", "request_id"), ("entity",)),
    "social.rewardpolicy": ObjectKind(_("Tip reward policy"), lambda o: f"v{o.version}"),
    "onsite.checklistpolicy": ObjectKind(_("Inspection checklist policy"), lambda o: f"v{o.version}"),
    "onsite.onsiterecord": ObjectKind(_("On-site record"), lambda o: o.number),
    "onsite.inquiryrecord": ObjectKind(_("Inquiry record"), lambda o: o.number),
    "onsite.evidence": ObjectKind(_("Evidence"), lambda o: f"{o.get_kind_display()} {o.sha256[:12]}"),
    "grids.grid": ObjectKind(_("Grid"), lambda o: f"{o.code} {o.name}", _pk("grids:detail", "grid_id")),
    "grids.patrolplan": ObjectKind(_("Patrol plan"), lambda o: f"{o.grid.code} {o.starts_on}–{o.ends_on}",
                                   ("grids:detail", "grid_id", "grid_id"), ("grid",)),
    "grids.patrol": ObjectKind(_("Patrol"), lambda o: f"{o.grid.code} {o.started_at:%Y-%m-%d %H:%M}",
                               _pk("grids:patrol_detail", "patrol_id"), ("grid",)),
    "assist.assignment": ObjectKind(_("Assistance assignment"), lambda o: o.title, _pk("assist:detail", "assignment_id")),
    "referrals.referral": ObjectKind(_("Referral"), lambda o: f"{o.number} {o.title}", _pk("referrals:detail", "referral_id")),
    "referrals.jointinspection": ObjectKind(_("Joint inspection"), lambda o: o.title,
                                            _pk("referrals:joint_detail", "inspection_id")),
    "referrals.referralpolicy": ObjectKind(_("Referral policy"), lambda o: f"v{o.version}"),
    "core.user": ObjectKind(_("User"), lambda o: o.display_name),
    "core.apitoken": ObjectKind(_("API token"), lambda o: o.name),
    "monitoring.monitoringdevice": ObjectKind(_("Monitoring device"), lambda o: f"{o.mn} · {o.entity.name}",
                                              ("monitoring:device", "mn", "mn"), ("entity",)),
    "monitoring.import": ObjectKind(_("Device import")),
    "warnings.warning": ObjectKind(_("Warning"), lambda o: f"{o.entity.name if o.entity_id else o.mn} · {o.start:%Y-%m-%d %H:%M}",
                                   _pk("warnings:detail", "warning_id"), ("entity",)),
    "warnings.electronicnotice": ObjectKind(_("Electronic notice"), lambda o: f"{o.entity.name} · {o.deadline}",
                                            ("warnings:detail", "warning_id", "warning_id"), ("entity",)),
    "warnings.devicebinding": ObjectKind(_("Device binding")),  # merged into the monitoring registry (issue 16)
    "warnings.mqttgrant": ObjectKind(_("MQTT grant"), lambda o: f"{o.device.mn} → {o.publisher.username}",
                                     None, ("device", "publisher")),
    "warnings.mqttpublisher": ObjectKind(_("MQTT publisher"), lambda o: f"{o.username} {o.label}".strip()),
    "warnings.pointlimit": ObjectKind(_("Point limit"), lambda o: f"{o.device.mn} {o.pollutant} {o.value_text} {unit_normal(o.unit)}",
                                      ("warnings:device_limits", "mn", "mn"), ("device",)),
    "warnings.rulepolicy": ObjectKind(_("Rule policy"), lambda o: f"v{o.version}"),
    "warnings.rulerun": ObjectKind(_("Rule run"), lambda o: f"#{o.pk} {o.window_from:%Y-%m-%d}–{o.window_to:%Y-%m-%d}"),
    "warnings.emissionlimit": ObjectKind(_("Emission limits")),
}


def object_kind(object_type: str) -> ObjectKind:
    """How to show objects of a type; an unregistered model type uses its verbose name and str()."""
    kind = OBJECT_KINDS.get(object_type.lower())
    if kind is not None:
        return kind
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return ObjectKind(object_type)
    return ObjectKind(model._meta.verbose_name)


def object_kind_name(object_type: str) -> str:
    """The translated name of an object kind, for the filter."""
    return str(object_kind(object_type).name)


@dataclass(frozen=True)
class ShownObject:
    """An event's object as the record page shows it."""

    kind: str
    label: str
    url: str = ""


def _bulky_fields(model, related: tuple[str, ...]) -> list[str]:
    """JSON and binary fields (a round's frozen pools, its round file, an uploaded history) are never part of a label:
    do not load them."""
    names = [f.name for f in model._meta.concrete_fields if f.get_internal_type() in ("JSONField", "BinaryField")]
    for rel in related:
        target = model._meta.get_field(rel).related_model
        names += [f"{rel}__{f.name}" for f in target._meta.concrete_fields if f.get_internal_type() == "JSONField"]
    return names


def describe_objects(events) -> dict[tuple[str, str], ShownObject]:
    """Labels and links for the objects of a page of events, loaded with one query per object kind."""
    wanted: dict[str, set[str]] = {}
    for e in events:
        wanted.setdefault(e.object_type, set()).add(e.object_id)
    shown: dict[tuple[str, str], ShownObject] = {}
    for object_type, ids in wanted.items():
        kind = object_kind(object_type)
        loaded = {}
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            model = None
        if model is not None:
            pks = [i for i in ids if i.isdigit()]
            qs = model._default_manager.select_related(*kind.related).defer(*_bulky_fields(model, kind.related))
            loaded = {str(k): v for k, v in qs.in_bulk(pks).items()}
        for object_id in ids:
            obj = loaded.get(object_id)
            if obj is None:
                label = (_("no. %(id)s (no longer exists)") % {"id": object_id}) if model is not None and object_id \
                    else ""
                shown[(object_type, object_id)] = ShownObject(str(kind.name), str(label))
                continue
            url = ""
            if kind.url is not None:
                name, keyword, attribute = kind.url
                try:
                    url = reverse(name, kwargs={keyword: getattr(obj, attribute)})
                except NoReverseMatch:
                    url = ""
            shown[(object_type, object_id)] = ShownObject(str(kind.name), kind.label(obj), url)
    return shown

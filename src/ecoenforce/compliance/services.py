"""Writes of the enterprise's side: rectification tasks (issue, submit evidence, accept or return, the firm closing
its own), self-inspections, disclosure reports (draft, publish) and help visits. Each is one transaction with its
audit event; the people concerned are notified on commit."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ecoenforce.compliance import sections as disclosure_sections
from ecoenforce.compliance import selfcheck
from ecoenforce.compliance.files import file_write, files_check
from ecoenforce.compliance.models import (
    DisclosureReport,
    HelpVisit,
    Rectification,
    RectificationFile,
    RectificationStep,
    SelfInspection,
)
from ecoenforce.compliance.selectors import (
    firm_entity_get,
    officers_in_reach,
    rectification_get,
    require_firm,
    require_staff,
    staff_entity_get,
)
from ecoenforce.compliance.workflow import FIRM, OFFICER, transition_for
from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import InvalidTransition, NotFound, ValidationFailed
from ecoenforce.core.models import User
from ecoenforce.notifications.models import Kind
from ecoenforce.notifications.services import notify

MAX_TEXT = 5000
MIN_EVIDENCE_CHARS = 10
MIN_REASON_CHARS = 5
OWN_DEFAULT_DAYS = 30  # a self-inspection problem without a date is due in 30 days


def _firm_users(entity) -> list[User]:
    return list(User.objects.filter(enterprise_accounts__entity=entity, is_active=True))


def _text(value: str, *, field: str, minimum: int, message: str) -> str:
    text = (value or "").strip()
    if len(text) < minimum:
        raise ValidationFailed(message, details={field: [_("At least %(n)d characters.") % {"n": minimum}]})
    if len(text) > MAX_TEXT:
        raise ValidationFailed(_("The text is too long; put the details in an attached file."),
                               details={field: [_("At most %(n)d characters.") % {"n": MAX_TEXT}]})
    return text


def _date(value: object, *, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ValidationFailed(_("Give the date as YYYY-MM-DD."), details={field: [_("Not a date.")]}) from None


# --- rectification tasks ----------------------------------------------------------------------------------------

@transaction.atomic
def rectification_issue(*, actor: User, entity_id: object, source: str, title: str, requirements: str,
                        deadline: object, source_ref: str = "") -> Rectification:
    """An officer gives a facility in his jurisdiction a rectification task; its firm users are notified."""
    entity = staff_entity_get(user=actor, entity_id=entity_id)
    if source not in Rectification.Source.values or source == Rectification.Source.SELF_INSPECTION:
        raise ValidationFailed(_("Choose where the task comes from: a warning, a case decision, an inspection or "
                                 "another finding."), details={"source": [_("Choose one.")]})
    title = _text(title, field="title", minimum=4, message=_("Give the task a short title."))[:200]
    requirements = _text(requirements, field="requirements", minimum=MIN_EVIDENCE_CHARS,
                         message=_("Write what the firm must put right and how it shows it is done."))
    due = _date(deadline, field="deadline")
    if due < timezone.localdate():
        raise ValidationFailed(_("The deadline is in the past. Give a day from today on."),
                               details={"deadline": [_("In the past.")]})
    task = Rectification.objects.create(entity=entity, source=source, source_ref=(source_ref or "").strip()[:80],
                                        title=title, requirements=requirements, deadline=due, issued_by=actor)
    audit_record(actor=actor, obj=task, action="rectification.issue", after={
        "entity": entity.pk, "source": source, "source_ref": task.source_ref, "title": title,
        "requirements": requirements, "deadline": due.isoformat()})
    notify(recipients=_firm_users(entity), kind=Kind.NOTICE,
           verb=gettext_noop("The bureau asks %(entity)s to rectify: %(title)s (by %(due)s)"),
           params={"entity": entity.name, "title": title, "due": due.isoformat()},
           url=reverse("compliance:rectification_detail", args=[task.pk]),
           ref=f"compliance.rectification:{task.pk}", key=f"rectification.issue:{task.pk}")
    return task


def _locked(actor: User, rectification_id: object) -> Rectification:
    task = rectification_get(user=actor, rectification_id=rectification_id)  # reach first: NotFound
    return Rectification.objects.select_for_update().select_related("entity", "issued_by").get(pk=task.pk)


def _refuse(task: Rectification, action: str) -> InvalidTransition:
    return InvalidTransition(_("This task is %(status)s: it cannot be %(action)s now.") % {
        "status": task.get_status_display(), "action": {
            "submit": _("submitted"), "accept": _("accepted"), "return": _("returned"), "close": _("closed")}[action]})


@transaction.atomic
def rectification_submit(*, actor: User, rectification_id: object, text: str,
                         files: Sequence[tuple[str, bytes]] = ()) -> Rectification:
    """The firm's evidence (what was done, with files) on a task an officer issued, or — on its own
    self-inspection task — the firm closing it. The officer is notified of evidence to review."""
    require_firm(actor)
    task = _locked(actor, rectification_id)
    action = "close" if task.own else "submit"
    move = transition_for(task.status, action, actor=FIRM, own=task.own)
    if move is None:
        raise _refuse(task, action)
    text = _text(text, field="text", minimum=MIN_EVIDENCE_CHARS,
                 message=_("Write what was done to put it right, and attach the evidence."))
    checked = files_check(files)
    if not task.own and not checked and task.status == Rectification.Status.OPEN and len(text) < 20:
        raise ValidationFailed(_("Attach the evidence (photos, reports) or describe it in more detail."),
                               details={"attachments": [_("Attach a file or write more.")]})
    before = task.status
    step = RectificationStep.objects.create(rectification=task, actor=actor, text=text,
                                            kind=RectificationStep.Kind.CLOSE if task.own
                                            else RectificationStep.Kind.SUBMIT)
    # Blobs are content-addressed: one left behind by a failure below is the same bytes, referred to by no row
    # and so never served.
    records = [RectificationFile.objects.create(step=step, name=name, stored=file_write(data), content_type=kind,
                                                size=len(data), sha256=hashlib.sha256(data).hexdigest())
               for name, data, kind in checked]
    task.status = move.target
    if task.status == Rectification.Status.ACCEPTED:
        task.closed_at = timezone.now()
    task.save(update_fields=["status", "closed_at"])
    audit_record(actor=actor, obj=task, action=f"rectification.{action}", before={"status": before},
                 after={"status": task.status, "text": text, "files": [
                     {"name": r.name, "type": r.content_type, "size": r.size, "sha256": r.sha256} for r in records]})
    if not task.own:
        notify(recipients=[task.issued_by], kind=Kind.FIRM_ANSWER,
               verb=gettext_noop("%(entity)s submitted rectification evidence: %(title)s"),
               params={"entity": task.entity.name, "title": task.title},
               url=reverse("compliance_staff:rectification", args=[task.pk]),
               ref=f"compliance.rectification:{task.pk}", key=f"rectification.submit:{step.pk}")
    return task


@transaction.atomic
def rectification_decide(*, actor: User, rectification_id: object, accept: bool, reason: str = "") -> Rectification:
    """An officer in jurisdiction accepts the evidence (the task is closed) or returns it with a reason (the firm
    submits again); the firm is notified either way."""
    require_staff(actor)
    task = _locked(actor, rectification_id)
    action = "accept" if accept else "return"
    move = transition_for(task.status, action, actor=OFFICER, own=task.own)
    if move is None:
        raise _refuse(task, action)
    reason = (reason or "").strip()
    if move.needs_reason:
        reason = _text(reason, field="reason", minimum=MIN_REASON_CHARS,
                       message=_("Say what is still missing, so that the firm can put it right."))
    before = task.status
    step = RectificationStep.objects.create(rectification=task, actor=actor, text=reason[:MAX_TEXT],
                                            kind=RectificationStep.Kind(action))
    task.status = move.target
    task.closed_at = timezone.now() if accept else None
    task.save(update_fields=["status", "closed_at"])
    audit_record(actor=actor, obj=task, action=f"rectification.{action}", before={"status": before},
                 after={"status": task.status}, reason=reason)
    verb = (gettext_noop("The bureau accepted the rectification of %(entity)s: %(title)s") if accept else
            gettext_noop("The bureau returned the rectification of %(entity)s: %(title)s. Submit again by %(due)s."))
    notify(recipients=_firm_users(task.entity), kind=Kind.NOTICE if accept else Kind.RETURN, verb=verb,
           params={"entity": task.entity.name, "title": task.title, "due": task.deadline.isoformat()},
           url=reverse("compliance:rectification_detail", args=[task.pk]),
           ref=f"compliance.rectification:{task.pk}", key=f"rectification.{action}:{step.pk}")
    return task


# --- self-inspection ------------------------------------------------------------------------------------------------

@transaction.atomic
def self_inspection_record(*, actor: User, entity_id: object, answers: dict[str, dict],
                           today: dt.date | None = None) -> SelfInspection:
    """The firm's checklist for this quarter; every problem found becomes its own rectification task (due on the
    date it gave, else in OWN_DEFAULT_DAYS days), which it closes itself — no penalty path."""
    require_firm(actor)
    entity = firm_entity_get(user=actor, entity_id=entity_id)
    today = today or timezone.localdate()
    template = selfcheck.template_for(entity.industry.code)
    problems = selfcheck.check_answers(template, answers)
    if problems:
        texts = dict((i.key, _(i.text)) for i in template.items)
        details = {k: [_("Answer this item.") if v == "unanswered" else _("Say what was found.")]
                   for k, v in problems.items()}
        raise ValidationFailed(_("Answer every item; for a problem, say what was found: %(items)s")
                               % {"items": "; ".join(texts[k] for k in problems)}, details=details)
    start, end = selfcheck.period_of(today)
    kept, found = {}, []
    for item in template.items:
        a = answers[item.key]
        entry = {"answer": a["answer"], "note": str(a.get("note") or "").strip()[:1000]}
        if a["answer"] == selfcheck.PROBLEM:
            due = _date(a["due"], field=item.key) if a.get("due") else today + dt.timedelta(days=OWN_DEFAULT_DAYS)
            if due < today:
                raise ValidationFailed(_("A date to put a problem right is in the past."),
                                       details={item.key: [_("In the past.")]})
            entry["due"] = due.isoformat()
            found.append((item, entry))
        kept[item.key] = entry
    record = SelfInspection.objects.create(entity=entity, template=template.key, period_start=start, period_end=end,
                                           answers=kept, problems=len(found), done_by=actor)
    for item, entry in found:
        Rectification.objects.create(
            entity=entity, source=Rectification.Source.SELF_INSPECTION, source_ref=f"self_inspection:{record.pk}",
            title=_(item.text)[:200], requirements=entry["note"], deadline=dt.date.fromisoformat(entry["due"]),
            issued_by=actor, self_inspection=record)
    audit_record(actor=actor, obj=record, action="self_inspection.record",
                 after={"template": template.key, "period": [start.isoformat(), end.isoformat()], "answers": kept})
    return record


# --- disclosure -----------------------------------------------------------------------------------------------------

def _sections_clean(texts: dict) -> dict[str, str]:
    clean = {}
    for s in disclosure_sections.SECTIONS:
        text = str((texts or {}).get(s.key) or "").strip()
        if len(text) > MAX_TEXT * 4:
            raise ValidationFailed(_("The section “%(title)s” is too long (at most %(n)d characters).")
                                   % {"title": _(s.title), "n": MAX_TEXT * 4}, details={s.key: [_("Too long.")]})
        clean[s.key] = text
    return clean


@transaction.atomic
def disclosure_save(*, actor: User, entity_id: object, year: object, sections: dict,
                    carbon_market: bool = False) -> DisclosureReport:
    """Save the annual report as a draft (created on the first save); a published report is not changed."""
    require_firm(actor)
    entity = firm_entity_get(user=actor, entity_id=entity_id)
    try:
        year = int(str(year))
    except ValueError:
        raise ValidationFailed(_("Choose the year the report is about."), details={"year": [_("Not a year.")]}) \
            from None
    this_year = timezone.localdate().year
    if not 2021 <= year <= this_year:
        raise ValidationFailed(_("The report is about a past or the current year (from 2021, when the rules began)."),
                               details={"year": [_("From 2021 to %(y)d.") % {"y": this_year}]})
    clean = _sections_clean(sections)
    report = DisclosureReport.objects.select_for_update().filter(entity=entity, year=year).first()
    if report is not None and report.status == DisclosureReport.Status.PUBLISHED:
        raise InvalidTransition(_("The report for %(year)d was published on %(day)s and cannot be changed.")
                                % {"year": year, "day": timezone.localtime(report.published_at).strftime("%Y-%m-%d")})
    before = dict(report.sections) if report else None
    if report is None:
        report = DisclosureReport(entity=entity, year=year)
    report.sections, report.carbon_market, report.updated_by = clean, bool(carbon_market), actor
    report.save()
    audit_record(actor=actor, obj=report, action="disclosure.save", before=before,
                 after={"year": year, "carbon_market": report.carbon_market, "sections": clean})
    return report


@transaction.atomic
def disclosure_publish(*, actor: User, report_id: object) -> DisclosureReport:
    """Publish the draft on the public portal; a report missing a required section is refused, naming it."""
    require_firm(actor)
    from ecoenforce.compliance.selectors import disclosure_report_for_firm

    found = disclosure_report_for_firm(user=actor, report_id=report_id)
    report = DisclosureReport.objects.select_for_update().select_related("entity").get(pk=found.pk)
    if report.status == DisclosureReport.Status.PUBLISHED:
        raise InvalidTransition(_("The report for %(year)d is already published.") % {"year": report.year})
    missing = disclosure_sections.missing_sections(report.sections, carbon_market=report.carbon_market)
    if missing:
        names = "、".join(_(s.title) for s in missing)
        raise ValidationFailed(_("The report cannot be published: these required sections are missing or too short: "
                                 "%(sections)s.") % {"sections": names},
                               details={s.key: [_("Required.")] for s in missing})
    report.status, report.published_at, report.updated_by = DisclosureReport.Status.PUBLISHED, timezone.now(), actor
    report.save(update_fields=["status", "published_at", "updated_by", "updated_at"])
    audit_record(actor=actor, obj=report, action="disclosure.publish", before={"status": "draft"},
                 after={"status": report.status, "year": report.year})
    return report


# --- help visits ------------------------------------------------------------------------------------------------------

@transaction.atomic
def help_visit_record(*, actor: User, entity_id: object, date: object, topic: str, notes: str,
                      officer_ids: Sequence[object] = (), follow_ups: str = "") -> HelpVisit:
    """An officer records a guidance and help visit (帮扶) to a facility in his jurisdiction; the firm sees it."""
    entity = staff_entity_get(user=actor, entity_id=entity_id)
    day = _date(date, field="date")
    if day > timezone.localdate():
        raise ValidationFailed(_("Record a visit once it has taken place (the date is in the future)."),
                               details={"date": [_("In the future.")]})
    topic = _text(topic, field="topic", minimum=2, message=_("Say what the visit was about."))[:200]
    notes = _text(notes, field="notes", minimum=MIN_EVIDENCE_CHARS, message=_("Write what was discussed and advised."))
    ids = {int(str(i)) for i in officer_ids if str(i).isdigit()} | {actor.pk}
    officers = list(officers_in_reach(user=actor).filter(pk__in=ids))
    if len(officers) != len(ids):
        raise NotFound()
    visit = HelpVisit.objects.create(entity=entity, date=day, topic=topic, notes=notes,
                                     follow_ups=(follow_ups or "").strip()[:MAX_TEXT], recorded_by=actor)
    visit.officers.set(officers)
    audit_record(actor=actor, obj=visit, action="help_visit.record", after={
        "entity": entity.pk, "date": day.isoformat(), "topic": topic, "officers": sorted(ids), "notes": notes,
        "follow_ups": visit.follow_ups})
    notify(recipients=_firm_users(entity), kind=Kind.NOTICE,
           verb=gettext_noop("The bureau recorded a help visit to %(entity)s on %(date)s: %(topic)s"),
           params={"entity": entity.name, "date": day.isoformat(), "topic": topic},
           url=reverse("compliance:help_visits"), ref=f"compliance.helpvisit:{visit.pk}",
           key=f"help_visit:{visit.pk}")
    return visit

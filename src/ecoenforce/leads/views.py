"""Lead pages: the inbox (filters, export), intake, and triage."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.core.access import STAFF_ROLES, has_role, require_role
from ecoenforce.core.calendar import deadline_in_working_days
from ecoenforce.core.errors import ApplicationError, ValidationFailed
from ecoenforce.core.filters import Column, export_list
from ecoenforce.core.forms import form_add_errors
from ecoenforce.core.models import Region
from ecoenforce.core.sealing import contact_may_read, contact_reveal
from ecoenforce.leads import services
from ecoenforce.leads.forms import LeadAssignForm, LeadCloseForm, LeadConvertForm, LeadCreateForm
from ecoenforce.leads.models import Lead
from ecoenforce.leads.selectors import LeadFilters, lead_get_for_user, lead_list_for_user
from ecoenforce.registry.models import RegulatedEntity
from ecoenforce.registry.selectors import EntityFilters, entity_list_for_user

# The date a new assignment suggests for the verification (the leader changes it as needed).
DEFAULT_VERIFY_DAYS = 5


def _entity_by_uscc(user, uscc: str) -> RegulatedEntity | None:
    uscc = uscc.strip().upper()
    if not uscc:
        return None
    entity = entity_list_for_user(user=user, filters=EntityFilters()).filter(uscc=uscc).first()
    if entity is None:
        raise ValidationFailed(_("No entity with this credit code in your jurisdiction. Check the code or register the entity."),
                               details={"entity_uscc": [_("Not found in your jurisdiction.")]})
    return entity



@login_required
def lead_list(request: HttpRequest) -> HttpResponse:
    """The inbox: every lead in the jurisdiction, newest first."""
    require_role(request.user, STAFF_ROLES)
    filters = LeadFilters.from_query(request.GET)
    qs = lead_list_for_user(user=request.user, filters=filters)
    if request.GET.get("export") in ("xlsx", "csv"):
        by_key = {c.key: c for c in LeadFilters.filter_columns()}
        columns = [Column("number", _("Number"), lambda x: x.number),
                   Column("received", _("Received"), lambda x: timezone.localtime(x.received_at).strftime("%Y-%m-%d %H:%M")),
                   by_key["source"], Column("title", _("Title"), lambda x: x.title),
                   Column("entity", _("Entity"), lambda x: x.entity.name if x.entity else ""), by_key["region"],
                   by_key["status"], by_key["assignee"],
                   Column("assignment_due", _("Verify by"), lambda x: x.assignment_due or "")]
        return export_list(fmt=request.GET["export"], basename="leads", filters=LeadFilters, columns=columns,
                           objects=qs.iterator(chunk_size=2000))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    prefix = request.user.jurisdiction_prefix or ""
    return render(request, "leads/lead_list.html", {
        "page": page, "filters": filters, "statuses": Lead.Status.choices, "sources": Lead.Source.choices,
        "assignees": [("me", _("Assigned to me")), ("none", _("Not assigned yet"))],
        "regions": Region.objects.filter(level=Region.Level.COUNTY, code__startswith=prefix).select_related("parent"),
    })


@login_required
def lead_create(request: HttpRequest) -> HttpResponse:
    """Enter a lead by hand; a second submit of the same form finds the first lead."""
    require_role(request.user, STAFF_ROLES)
    form = LeadCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entity = _entity_by_uscc(request.user, data["entity_uscc"])
            lead, created = services.lead_create(
                source=data["source"], title=data["title"], entity=entity, region=data["region"],
                description=data["description"], location=data["location"], reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"], created_by=request.user,
                external_ref=f"form:{data['submission_token']}",
            )
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            if created:
                messages.success(request, _("Lead %(number)s is in the inbox.") % {"number": lead.number})
            else:
                messages.info(request, _("This form was already submitted: here is the lead it created."))
            return redirect("leads:detail", lead_id=lead.pk)
    return render(request, "leads/lead_form.html", {"form": form})


@login_required
def lead_detail(request: HttpRequest, lead_id: int) -> HttpResponse:
    """One lead with its triage forms."""
    require_role(request.user, STAFF_ROLES)
    lead = lead_get_for_user(user=request.user, lead_id=lead_id)
    can_assign = lead.status == Lead.Status.NEW and has_role(request.user, services.ASSIGN_ROLES)
    assign_form = LeadAssignForm(prefix="assign", user=request.user, lead=lead, initial={
        "assignee": lead.assigned_to_id, "note": lead.assignment_note,
        "due_on": lead.assignment_due or deadline_in_working_days(timezone.localdate(), DEFAULT_VERIFY_DAYS).due,
    }) if can_assign else None
    close_form = LeadCloseForm(prefix="close")
    convert_form = LeadConvertForm(prefix="convert", user=request.user, initial={"title": lead.title, "facts": lead.description})
    reporter = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "assign" and can_assign:
                assign_form = LeadAssignForm(request.POST, prefix="assign", user=request.user, lead=lead)
                if assign_form.is_valid():
                    data = assign_form.cleaned_data
                    lead = services.lead_assign(lead_id=lead.pk, actor=request.user, assignee_id=data["assignee"].pk,
                                                due_on=data["due_on"], note=data["note"])
                    messages.success(request, _("The lead was given to %(name)s; it is in their work queue.")
                                     % {"name": lead.assigned_to.display_name})
                    return redirect("leads:detail", lead_id=lead.pk)
            elif action == "reveal_reporter":
                # Shown in this answer only (never in a URL); the look is on record.
                reporter = contact_reveal(actor=request.user, holder=lead)
            elif action == "close":
                close_form = LeadCloseForm(request.POST, prefix="close")
                if close_form.is_valid():
                    services.lead_close(lead_id=lead.pk, actor=request.user, reason=close_form.cleaned_data["reason"],
                                        note=close_form.cleaned_data["note"])
                    messages.success(request, _("The lead was closed."))
                    return redirect("leads:detail", lead_id=lead.pk)
            elif action == "convert":
                convert_form = LeadConvertForm(request.POST, prefix="convert", user=request.user)
                if convert_form.is_valid():
                    data = convert_form.cleaned_data
                    entity = _entity_by_uscc(request.user, data["entity_uscc"]) if data["entity_uscc"] else None
                    case = services.lead_convert(lead_id=lead.pk, actor=request.user, title=data["title"],
                                                 facts=data["facts"], entity=entity,
                                                 handlers=[request.user, *data["co_handlers"]])
                    messages.success(request, _("Case %(number)s was filed.") % {"number": case.number})
                    return redirect("cases:detail", case_id=case.pk)
        except ValidationFailed as exc:
            form_add_errors({"convert": convert_form, "assign": assign_form}.get(action) or close_form, exc)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            return redirect("leads:detail", lead_id=lead.pk)
    return render(request, "leads/lead_detail.html", {
        "lead": lead, "close_form": close_form, "convert_form": convert_form, "assign_form": assign_form,
        "reporter": reporter, "may_reveal": lead.reporter_id is not None and contact_may_read(request.user, lead)})

"""Left navigation per role: what each role sees in the menu (the views check access again themselves)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.models import Role
from ecoenforce.core.queue import queue_counts, sources_for

STAFF = {Role.INSPECTOR, Role.UNIT_LEADER, Role.LEGAL_REVIEWER, Role.MONITORING_OPERATOR}


@dataclass(frozen=True)
class NavItem:
    """One menu entry: label, URL name, icon and the roles that see it."""

    label: str | Promise
    url_name: str
    icon: str
    roles: frozenset[str]


NAV_ITEMS = [
    NavItem(_("Dashboard"), "dashboard:home", "gauge", frozenset(STAFF)),
    NavItem(_("Leads"), "leads:list", "inbox", frozenset(STAFF)),
    NavItem(_("Cases"), "cases:list", "briefcase", frozenset(STAFF)),
    NavItem(_("Transfers to the police"), "transfers:list", "building-bank", frozenset({Role.INSPECTOR, Role.UNIT_LEADER})),
    NavItem(_("Special and supervised cases"), "special:list", "flag", frozenset({Role.INSPECTOR, Role.UNIT_LEADER})),
    NavItem(_("My tasks"), "planning:task_list", "checklist", frozenset({Role.INSPECTOR, Role.UNIT_LEADER})),
    NavItem(_("On-site work"), "onsite:worklist", "map-pin", frozenset({Role.INSPECTOR, Role.UNIT_LEADER})),
    NavItem(_("Inspection plans"), "planning:plan_list", "calendar", frozenset(STAFF)),
    NavItem(_("Double-random rounds"), "planning:round_list", "arrows-shuffle", frozenset(STAFF)),
    NavItem(_("Regulated entities"), "registry:entity_list", "building-factory", frozenset(STAFF)),
    NavItem(_("Positive list"), "registry:positive_list", "award", frozenset(STAFF)),
    NavItem(_("Environmental credit"), "credit:list", "star", frozenset(STAFF)),
    NavItem(_("Partner lists"), "credit:partner_lists", "file-export", frozenset({Role.UNIT_LEADER, Role.PARTNER})),
    NavItem(_("Duty scorecards"), "duty:list", "report-analytics", frozenset(STAFF)),
    NavItem(_("Enforcement-item catalogue"), "registry:catalogue_home", "book", frozenset(STAFF)),
    NavItem(_("Import the pools"), "registry:pool_import", "file-upload", frozenset({Role.UNIT_LEADER})),
    NavItem(_("Enterprise home"), "compliance:home", "home", frozenset({Role.ENTERPRISE})),
    NavItem(_("My facilities"), "registry:my_facilities", "building", frozenset({Role.ENTERPRISE})),
    NavItem(_("Monitoring data and warnings"), "compliance:monitoring", "antenna", frozenset({Role.ENTERPRISE})),
    NavItem(_("Electronic notices"), "compliance:notices", "mail", frozenset({Role.ENTERPRISE})),
    NavItem(_("Environmental credit"), "compliance:credit", "star", frozenset({Role.ENTERPRISE})),
    NavItem(_("Rectification tasks"), "compliance:rectifications", "tool", frozenset({Role.ENTERPRISE})),
    NavItem(_("Self-inspection"), "compliance:self_inspections", "list-check", frozenset({Role.ENTERPRISE})),
    NavItem(_("Information disclosure"), "compliance:disclosures", "file-text", frozenset({Role.ENTERPRISE})),
    NavItem(_("Compliance calendar"), "compliance:calendar", "calendar-event", frozenset({Role.ENTERPRISE})),
    NavItem(_("Help visits"), "compliance:help_visits", "heart-handshake", frozenset({Role.ENTERPRISE})),
    NavItem(_("Rectification tasks"), "compliance_staff:rectifications", "tool",
            frozenset({Role.INSPECTOR, Role.UNIT_LEADER, Role.MONITORING_OPERATOR})),
    NavItem(_("Help visits"), "compliance_staff:help_visits", "heart-handshake",
            frozenset({Role.INSPECTOR, Role.UNIT_LEADER})),
    NavItem(_("Monitoring devices"), "monitoring:devices", "antenna",
            frozenset({Role.MONITORING_OPERATOR, Role.INSPECTOR, Role.UNIT_LEADER, Role.ADMINISTRATOR})),
    NavItem(_("Sampling requests"), "sampling:list", "flask",
            frozenset({Role.MONITORING_OPERATOR, Role.INSPECTOR, Role.UNIT_LEADER, Role.ADMINISTRATOR})),
    NavItem(_("Monitoring warnings"), "warnings:list", "alert-triangle",
            frozenset({Role.MONITORING_OPERATOR, Role.UNIT_LEADER, Role.ADMINISTRATOR})),
    NavItem(_("Rule quality"), "warnings:quality", "chart-bar", frozenset({Role.UNIT_LEADER, Role.ADMINISTRATOR})),
    NavItem(_("Audit record"), "core:audit_list", "shield-check", frozenset({Role.UNIT_LEADER, Role.LEGAL_REVIEWER})),
    NavItem(_("API tokens"), "core:token_list", "key", frozenset(STAFF)),
    NavItem(_("Patrols"), "grids:patrol_list", "walk", frozenset({Role.GRID_MEMBER})),
    NavItem(_("My grids"), "grids:list", "map", frozenset({Role.GRID_MEMBER})),
    NavItem(_("Problems I reported"), "grids:problem_list", "alert-circle", frozenset({Role.GRID_MEMBER})),
    NavItem(_("Grids"), "grids:list", "map", frozenset(STAFF)),
    NavItem(_("My assignments"), "assist:list", "clipboard", frozenset({Role.THIRD_PARTY})),
    NavItem(_("My findings"), "assist:findings", "search", frozenset({Role.THIRD_PARTY})),
    NavItem(_("Third-party assistance"), "assist:list", "users", frozenset({Role.UNIT_LEADER, Role.INSPECTOR})),
    NavItem(_("Referrals"), "referrals:list", "arrows-exchange",
            frozenset({Role.INSPECTOR, Role.UNIT_LEADER, Role.LEGAL_REVIEWER, Role.PARTNER})),
    NavItem(_("Joint inspections"), "referrals:joint_list", "users-group",
            frozenset({Role.INSPECTOR, Role.UNIT_LEADER, Role.PARTNER})),
    NavItem(_("Change password"), "core:password_change", "lock", frozenset(Role.values)),
    NavItem(_("Public portal"), "disclosure:home", "world", frozenset(Role.values)),
]


def bureau_contact(request: HttpRequest) -> dict:
    """Context processor: the top bureau (the city detachment, or else the first bureau without a parent) whose name
    and public contact the footer shows; read only if a page renders the footer."""
    from django.utils.functional import SimpleLazyObject

    from ecoenforce.core.models import Organization

    def top() -> Organization | None:
        bureaus = Organization.objects.filter(parent__isnull=True, kind__in=(
            Organization.Kind.CITY_BUREAU, Organization.Kind.COUNTY_BUREAU)).order_by("kind", "region__code")
        return bureaus.first()

    return {"bureau": SimpleLazyObject(top)}


def navigation(request: HttpRequest) -> dict:
    """Context processor: the menu entries for the signed-in user, the current one marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    is_admin = user.is_superuser or user.role == Role.ADMINISTRATOR
    items = []
    # Counts in the menu: what waits for the user, per menu entry, and in all on "My work" (one COUNT per source).
    counts: dict[str, int] = {}
    if sources_for(user):
        per_source = queue_counts(user)
        for source in sources_for(user):
            if source.nav:
                counts[source.nav] = counts.get(source.nav, 0) + per_source[source.key]
        url = reverse("work:queue")
        items.append({"label": _("My work"), "url": url, "icon": "list-check", "active": request.path == url,
                      "count": sum(per_source.values()), "testid": "nav-work"})
    for item in NAV_ITEMS:
        if not (is_admin or user.role in item.roles):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = request.path == url or (url != "/" and request.path.startswith(url))
        items.append({"label": item.label, "url": url, "icon": item.icon, "active": active,
                      "count": counts.get(item.url_name, 0), "testid": "nav-" + item.url_name.replace(":", "-")})
    if is_admin:
        items.append({"label": _("Administration"), "url": reverse("admin:index"), "icon": "settings", "active": False})
    return {"nav_items": items}

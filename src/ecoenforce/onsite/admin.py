"""Admin for the inspection checklists: a change is a new version, checked before it is stored; the newest is in
force. Records and evidence have no admin: they are filed on site and never edited."""

from django.contrib import admin

from ecoenforce.core.admin import VersionedPolicyAdmin
from ecoenforce.onsite.checklists import DEFAULTS
from ecoenforce.onsite.models import ChecklistPolicy
from ecoenforce.onsite.services import checklist_policy_add, checklist_policy_check


@admin.register(ChecklistPolicy)
class ChecklistPolicyAdmin(VersionedPolicyAdmin):
    """Add a version to change a checklist, its items or legal basis, or which industries it covers."""

    def check_values(self, values) -> None:
        checklist_policy_check(values)

    def add_version(self, *, actor, values, source):
        return checklist_policy_add(actor=actor, values=values, source=source)

    def default_values(self) -> dict:
        return dict(DEFAULTS)

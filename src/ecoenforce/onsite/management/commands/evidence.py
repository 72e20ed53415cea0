"""`ecoenforce evidence verify`: re-hash every evidence file, thumbnail and signature; name any changed or missing."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ecoenforce.core.errors import ApplicationError
from ecoenforce.onsite.models import Evidence
from ecoenforce.onsite.services import evidence_verify_all


class EvidenceBroken(ApplicationError):
    """Some stored evidence no longer hashes to the SHA-256 it was filed under."""

    status = 409


class Command(BaseCommand):
    help = ("Evidence tools. `evidence verify` re-hashes every stored evidence file, thumbnail and signature and "
            "names any that changed or went missing since it was filed (exit status 2 when one did).")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, action: str, **options):
        checked, problems = evidence_verify_all()
        if not problems:
            self.stdout.write(self.style.SUCCESS(_("OK: %(n)d stored files, each still matches its SHA-256.")
                                                 % {"n": checked}))
            return
        lines = []
        for obj, what in problems:
            if isinstance(obj, Evidence):
                owner = obj.onsite_record or obj.inquiry_record
                where = owner.number if owner is not None else _("case %(id)s") % {"id": obj.case_id}
                label = _("evidence %(no)s on %(where)s (SHA-256 %(sha)s)") % {
                    "no": obj.number, "where": where, "sha": obj.sha256}
            else:
                owner = obj.onsite_record or obj.inquiry_record
                label = _("signature of %(name)s on %(where)s (SHA-256 %(sha)s)") % {
                    "name": obj.name, "where": owner.number, "sha": obj.sha256}
            state = _("changed") if what == "changed" else _("missing")
            lines.append(f"{label}: {state}")
            self.stderr.write(f"{label}: {state}")
        raise EvidenceBroken(_("%(n)d of %(total)d stored files changed or went missing since they were filed: "
                               "%(list)s. Restore them from the backup and report it.")
                             % {"n": len(problems), "total": checked, "list": "; ".join(lines)})

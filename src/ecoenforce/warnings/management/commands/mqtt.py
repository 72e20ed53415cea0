"""`ecoenforce mqtt ...`: MQTT publishers (data-acquisition boxes, platforms) and the broker's files.

    ecoenforce mqtt issue BOX-01 --org-region 320412 [--label "..."]   # prints the password once
    ecoenforce mqtt password BOX-01                                    # a new password, printed once
    ecoenforce mqtt bind BOX-01 EZ320400000001 [MN ...]                # may publish these electricity monitors
    ecoenforce mqtt unbind BOX-01 MN [MN ...]
    ecoenforce mqtt list
    ecoenforce mqtt config [--out DIR] [--port 1883]                   # passwd, acl, mosquitto.conf (0600)

Every change takes effect on the broker when `mqtt config` has rewritten its files and Mosquitto reloaded them
(`kill -HUP` the broker, or `systemctl reload mosquitto`); the listener picks up bindings within 30 s by itself.
"""

import getpass

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ecoenforce.core.access import ENFORCEMENT_KINDS
from ecoenforce.core.errors import NotFound, ValidationFailed
from ecoenforce.core.models import Organization


class Command(BaseCommand):
    help = ("MQTT publishers of electricity readings: issue credentials, bind them to the monitors they may publish, "
            "and write Mosquitto's password, ACL and configuration files (anonymous clients refused).")  # fmt: skip

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["issue", "password", "bind", "unbind", "list", "config"])
        parser.add_argument("username", nargs="?", default="")
        parser.add_argument("mns", nargs="*", default=[])
        parser.add_argument("--org-region", default="", help="issue: the region code of the issuing bureau")
        parser.add_argument("--label", default="")
        parser.add_argument("--out", default=None, help="config: the directory (default ECOENFORCE_MQTT_CONFIG_DIR)")
        parser.add_argument("--port", type=int, default=None, help="config: the broker's port (default ECOENFORCE_MQTT_PORT)")
        parser.add_argument("--run-as", default=getpass.getuser(),
                            help="config: the user a broker started as root switches to (default: you, who own the files)")

    def handle(self, *args, action: str, username: str, mns: list[str], **opts):
        from ecoenforce.warnings import selectors, services
        from ecoenforce.warnings.models import MqttPublisher

        if action in ("issue", "password", "bind", "unbind") and not username:
            raise ValidationFailed(_("Name the publisher (its user name)."))
        if action == "issue":
            org = (Organization.objects.filter(region__code=opts["org_region"], kind__in=ENFORCEMENT_KINDS)
                   .order_by("pk").first())  # fmt: skip
            if org is None:
                raise NotFound(_("No enforcement bureau has the region code %(code)s (give --org-region).")
                               % {"code": opts["org_region"] or "-"})  # fmt: skip
            publisher, password = services.mqtt_publisher_issue(actor=None, username=username, organization=org,
                                                                label=opts["label"])  # fmt: skip
            self.stdout.write(_("Publisher %(username)s issued by %(org)s. Its password (shown only now): %(password)s")
                              % {"username": publisher.username, "org": org.name, "password": password})  # fmt: skip
        elif action == "password":
            password = services.mqtt_publisher_password_reset(actor=None, username=username)
            self.stdout.write(_("New password for %(username)s (shown only now): %(password)s")
                              % {"username": username, "password": password})  # fmt: skip
        elif action in ("bind", "unbind"):
            changed = services.mqtt_publisher_bind(actor=None, username=username, mns=mns, unbind=action == "unbind")
            self.stdout.write(_("%(username)s: %(count)s monitors changed.") % {"username": username, "count": len(changed)})
        elif action == "list":
            allowed = selectors.mqtt_authorizations()
            for p in MqttPublisher.objects.select_related("organization").order_by("username"):
                mns_text = " ".join(sorted(allowed.get(p.username, ()))) if p.active else _("(inactive)")
                self.stdout.write(f"{p.username}\t{p.organization.name}\t{p.label}\t{mns_text}")
            return
        if action != "config":
            self.stdout.write(_("Run `ecoenforce mqtt config` and reload the broker for this to take effect."))
            return
        done = services.mosquitto_config_write(actor=None, directory=opts["out"] or settings.MQTT_CONFIG_DIR,
                                               listener_password=settings.MQTT_PASSWORD,
                                               port=opts["port"] or settings.MQTT_PORT, run_as=opts["run_as"])  # fmt: skip
        self.stdout.write(_("Wrote %(config)s, %(passwd)s and %(acl)s: %(publishers)s publishers, %(devices)s monitors.")
                          % {"config": done["config"], "passwd": done["password_file"], "acl": done["acl_file"],
                             "publishers": done["publishers"], "devices": done["devices"]})  # fmt: skip

"""`ecoenforce electricity listen`: subscribe to electricity monitors over MQTT and land readings in the lake.

Publishers send on ecoenforce/electricity/<publisher>/<mn> (`ecoenforce mqtt` issues them and writes the broker's
files); the listener signs in with ECOENFORCE_MQTT_USERNAME / ECOENFORCE_MQTT_PASSWORD and stores only readings of
monitors bound to the publisher named in the topic.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ecoenforce.core.errors import ApplicationError


class Command(BaseCommand):
    help = ("Subscribe to ecoenforce/electricity/<publisher>/<mn> on the MQTT broker and write the readings of "
            "monitors bound to that publisher into the lake (audited per publisher and flush).")  # fmt: skip

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["listen"])
        parser.add_argument("--host", default=None, help="default ECOENFORCE_MQTT_HOST")
        parser.add_argument("--port", type=int, default=None, help="default ECOENFORCE_MQTT_PORT")
        parser.add_argument("--flush-seconds", type=float, default=5.0)
        parser.add_argument("--max-seconds", type=float, default=None)
        parser.add_argument("--max-messages", type=int, default=None)

    def handle(self, *args, **opts):
        from ecoenforce.warnings.inputs.mqtt import BrokerRefused, ElectricityListener
        from ecoenforce.warnings.selectors import mqtt_authorizations
        from ecoenforce.warnings.services import mqtt_readings_store

        listener = ElectricityListener(
            authorizations=mqtt_authorizations,
            store=lambda publisher, rows: mqtt_readings_store(username=publisher, rows=rows),
            host=opts["host"] or settings.MQTT_HOST, port=opts["port"] or settings.MQTT_PORT,
            username=settings.MQTT_USERNAME if settings.MQTT_PASSWORD else None, password=settings.MQTT_PASSWORD or None,
            flush_seconds=opts["flush_seconds"],
        )  # fmt: skip
        try:
            listener.run(max_seconds=opts["max_seconds"], max_messages=opts["max_messages"])
        except KeyboardInterrupt:
            pass
        except (BrokerRefused, OSError) as exc:
            raise ApplicationError(_("The MQTT broker at %(host)s:%(port)s refused the listener (%(why)s). Check "
                                     "ECOENFORCE_MQTT_USERNAME and ECOENFORCE_MQTT_PASSWORD against `ecoenforce mqtt "
                                     "config`.") % {"host": listener.host, "port": listener.port, "why": exc}) from None
        self.stdout.write(f"received {listener.received}, rejected {listener.rejected}, written {listener.written}")

"""`ecoenforce electricity listen`: subscribe to electricity monitors over MQTT and land readings in the lake."""

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Subscribe to ecoenforce/electricity/<mn> on an MQTT broker and write readings into the lake."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["listen"])
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=1883)
        parser.add_argument("--topic", default="ecoenforce/electricity/#")
        parser.add_argument("--flush-seconds", type=float, default=5.0)
        parser.add_argument("--max-seconds", type=float, default=None)
        parser.add_argument("--max-messages", type=int, default=None)

    def handle(self, *args, **opts):
        from ecoenforce.warnings.inputs.mqtt import ElectricityListener

        listener = ElectricityListener(settings.LAKE_DIR, host=opts["host"], port=opts["port"], topic=opts["topic"],
                                       flush_seconds=opts["flush_seconds"])  # fmt: skip
        try:
            listener.run(max_seconds=opts["max_seconds"], max_messages=opts["max_messages"])
        except KeyboardInterrupt:
            pass
        self.stdout.write(f"received {listener.received}, rejected {listener.rejected}, written {listener.written}")

"""`ecoenforce gateway --host H --port P`: the HJ 212 TCP gateway, its own asyncio process.

The gateway itself imports no Django; this command only fills in the configured file locations.
"""

from django.conf import settings

from ecoenforce.core.passthrough import PassthroughCommand
from ecoenforce.monitoring.gateway.cli import main as gateway_main


class Command(PassthroughCommand):
    help = "Run the HJ 212 gateway (see --help for limits); spool and device snapshot default to var/."

    def main(self, argv):
        defaults = {"--spool": settings.SPOOL_DIR, "--devices": settings.DEVICE_SNAPSHOT,
                    "--log": settings.VAR_DIR / "gateway" / "connections.jsonl",
                    "--status-file": settings.VAR_DIR / "run" / "gateway.json"}
        for flag, value in defaults.items():
            if flag not in argv and not any(a.startswith(flag + "=") for a in argv):
                argv = [*argv, flag, str(value)]
        return gateway_main(argv)

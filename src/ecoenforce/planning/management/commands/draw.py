"""`ecoenforce draw verify ROUND_FILE`: re-compute a published double-random round offline."""

from ecoenforce.core.passthrough import passthrough
from ecoenforce.planning.roundfile import cli_main

Command = passthrough(cli_main, "Double-random round tools: `verify ROUND_FILE` re-computes a published round.")

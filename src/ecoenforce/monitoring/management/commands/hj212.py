"""`ecoenforce hj212 parse|simulate`: the codec's support tools."""

from ecoenforce.core.passthrough import passthrough
from ecoenforce.monitoring.hj212.cli import main

Command = passthrough(main, "HJ 212 tools: `parse FRAME` decodes a frame; `simulate` runs simulated devices.")

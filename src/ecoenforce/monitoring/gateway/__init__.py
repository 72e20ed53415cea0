"""HJ 212 gateway process: asyncio TCP server, device sessions, acks after fsync, the spool. No Django.

Policy (HJ 212-2017 §6.5 and the upload flow; choices where the standard is silent):
* Uploads with Flag A=1 get a 9014 with the same QN, only after the frame is fsynced in the spool.
  1013 (time-calibration request) gets a 9013, then a 1012 carrying the centre's SystemTime.
  Frames without Flag (2005 style) or with A=0 are spooled and not answered; 9xxx answers are never answered.
* Unregistered or inactive MN: the frame is kept in the spool as kind=quarantine (UNKNOWN_MN/INACTIVE_DEVICE)
  and answered as if accepted, so the device does not retransmit forever; the loader ignores quarantine.
* Authentication comes before the rate limit: a stranger's frames never spend a registered device's budget.
  Wrong password: no 9014 (an upload answer means "received"; QnRtn=3 belongs to 9011, which answers the
  centre's requests, not a device's uploads). The frame is kept as kind=rejected/AUTH_PASSWORD (within the day's
  rejected budget) and logged; after `max_auth_failures` on one connection the gateway hangs up; wrong passwords
  are also counted per peer and per MN across connections, with a doubling back-off (guard.py).
* Framing/CRC failures are not answered (the standard drops them; the device retransmits) and are kept as
  kind=rejected with the error code. A device over its rate (token bucket per MN) is slowed, not dropped: its
  connection is not read until the bucket refills, and TCP flow control holds the device back.
* Quarantine and rejected bytes are capped per Beijing day, in total and per peer (budget.py); when the spool
  cannot write, the process exits with status 3 instead of listening without storing.
"""

from .directory import DeviceDirectory, DeviceInfo, FileDeviceDirectory, StaticDeviceDirectory, write_snapshot
from .limits import GatewayConfig, TokenBucket
from .server import Gateway, serve
from .spool import SpoolRecord, SpoolWriter, list_segments, read_records

__all__ = [
    "DeviceDirectory", "DeviceInfo", "FileDeviceDirectory", "Gateway", "GatewayConfig", "SpoolRecord",
    "SpoolWriter", "StaticDeviceDirectory", "TokenBucket", "list_segments", "read_records", "serve",
    "write_snapshot",
]  # fmt: skip

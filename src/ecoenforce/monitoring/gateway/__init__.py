"""HJ 212 gateway process: asyncio TCP server, device sessions, acks after fsync, the spool. No Django."""

from .directory import DeviceDirectory, DeviceInfo, FileDeviceDirectory, StaticDeviceDirectory, write_snapshot
from .limits import GatewayConfig, TokenBucket
from .server import Gateway, serve
from .spool import SpoolRecord, SpoolWriter, list_segments, read_records

__all__ = [
    "DeviceDirectory", "DeviceInfo", "FileDeviceDirectory", "Gateway", "GatewayConfig", "SpoolRecord",
    "SpoolWriter", "StaticDeviceDirectory", "TokenBucket", "list_segments", "read_records", "serve",
    "write_snapshot",
]  # fmt: skip

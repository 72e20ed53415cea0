"""Monitoring lake: spool -> Parquet (Hive kind=/date=), idempotent loader, readers. No Django."""

from .loader import LoadReport, directory_keys, iter_quarantine, load
from .reader import read_readings
from .schema import KINDS, SCHEMA

__all__ = ["KINDS", "SCHEMA", "LoadReport", "directory_keys", "iter_quarantine", "load", "read_readings"]

"""Monitoring lake: spool -> Parquet (Hive kind=/date=), idempotent loader, readers. No Django.

Layout under the lake directory (default var/lake):
    kind=<realtime|minute|hour|day|status|runtime>/date=YYYY-MM-DD/part-seg-<n>-<start>-<end>.parquet
    _checkpoint.json   {"segments": {"seg-0000000001.hjs": {"offset": N, "final": bool}}, "pending": null}
`date` is the Beijing date of DataTime (the period start). One row per (mn, pollutant, kind, data_time):
value columns rtd, min, avg, max, zs_rtd, zs_min, zs_avg, zs_max, cou, data, day_data, night_data, rs, rt;
text columns flag, eflag, sample_time, info, sn; plus st, cn, pollutant_raw (as sent; pollutant is the 2017
code), backfill (2025 RF=1), qn, received_at (UTC) and the raw frame's segment, offset and sha256.
A retransmission (same key) keeps the first received row. Quarantined and rejected spool records are not
loaded (see loader.iter_quarantine).
"""

from .loader import LoadReport, directory_keys, iter_quarantine, load
from .reader import read_readings
from .schema import KINDS, SCHEMA

__all__ = ["KINDS", "SCHEMA", "LoadReport", "directory_keys", "iter_quarantine", "load", "read_readings"]

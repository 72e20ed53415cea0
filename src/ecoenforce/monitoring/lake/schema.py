"""Lake schema: one row per (device, pollutant, kind, data time); Hive partitions kind=/date=."""

from __future__ import annotations

import pyarrow as pa

from ..hj212.readings import NUMERIC_SUFFIXES, TEXT_SUFFIXES

KINDS = ("realtime", "minute", "hour", "day", "status", "runtime")
DATA_TZ = "+08:00"  # DataTime is Beijing time; stored tz-aware so readers cannot mistake it for UTC
VALUE_COLUMNS = tuple(NUMERIC_SUFFIXES.values())
TEXT_COLUMNS = tuple(TEXT_SUFFIXES.values())
KEY_COLUMNS = ("mn", "pollutant", "data_time")  # plus the kind partition

SCHEMA = pa.schema(
    [
        ("mn", pa.string()),
        ("st", pa.string()),
        ("cn", pa.string()),
        ("pollutant", pa.string()),
        ("pollutant_raw", pa.string()),
        ("data_time", pa.timestamp("ms", tz=DATA_TZ)),  # Parquet has no seconds unit: ms round-trips exactly
        *[(c, pa.float64()) for c in VALUE_COLUMNS],
        *[(c, pa.string()) for c in TEXT_COLUMNS],
        ("backfill", pa.bool_()),
        ("qn", pa.string()),
        ("received_at", pa.timestamp("ms", tz="UTC")),
        ("segment", pa.string()),
        ("offset", pa.int64()),
        ("sha256", pa.string()),
    ]
)
PARTITIONING_SCHEMA = pa.schema([("kind", pa.string()), ("date", pa.string())])

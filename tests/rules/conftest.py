"""Fixtures for the rules: a small labelled scenario in a temporary lake, and one Spark session per test run."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from ecoenforce.monitoring.scenario import generate, generate_offclock, write_lake


@pytest.fixture(scope="session")
def scenario_lake(tmp_path_factory):
    """60 points × 8 days with every behaviour and look-alike, written to a lake directory."""
    sc = generate(n_points=60, days=8, seed=11)
    lake = tmp_path_factory.mktemp("lake")
    write_lake(sc, lake)
    return sc, lake, sc.start, sc.start + dt.timedelta(hours=sc.hours)


@pytest.fixture(scope="session")
def offclock_lakes(tmp_path_factory):
    """The same off-the-clock scenario (24 devices × 3 days) as minute + hourly data and as hourly data only."""
    out = {}
    for resolution in ("minute", "hour"):
        sc = generate_offclock(n_points=24, days=3, seed=4, resolution=resolution)
        lake = tmp_path_factory.mktemp(f"offclock-{resolution}")
        write_lake(sc, lake)
        out[resolution] = (sc, lake, sc.start, sc.start + dt.timedelta(hours=sc.hours))
    return out


@pytest.fixture(scope="session")
def spark():
    """A local Spark session (slow to start: one per run); skipped when Java or PySpark is missing."""
    pyspark = pytest.importorskip("pyspark.sql")
    import shutil

    if shutil.which("java") is None:
        pytest.skip("Java is not installed")
    session = (pyspark.SparkSession.builder.master("local[2]").appName("ecoenforce-parity")
               .config("spark.sql.session.timeZone", "UTC").config("spark.sql.shuffle.partitions", "2")
               .config("spark.ui.enabled", "false").config("spark.driver.memory", "1g").getOrCreate())  # fmt: skip
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    # py4j logs its shutdown after pytest has closed the captured streams: keep it quiet.
    logging.getLogger("py4j").setLevel(logging.CRITICAL)

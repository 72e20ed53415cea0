"""A device page opens on the data there is: hourly means when the lake has them (not five empty real-time charts),
each chart named for its factor with its unit, the HJ 212 code in a tooltip (issue 14)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ecoenforce.monitoring import services

pytestmark = pytest.mark.django_db


def _hourly(lake, mn: str, pollutant: str, hours: list[int]) -> None:
    import pyarrow.parquet as pq

    from ecoenforce.monitoring.scenario.generator import to_arrow

    n = len(hours)
    cols = {"mn": [mn] * n, "st": ["32"] * n, "pollutant": [pollutant] * n, "h": hours,
            "avg": [40.0 + i for i in range(n)], "flag": ["N"] * n}  # fmt: skip
    folder = lake / "kind=hour" / f"date={dt.date.fromtimestamp(hours[-1] * 3600).isoformat()}"
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(to_arrow(cols), folder / f"part-{pollutant}.parquet")


@pytest.fixture
def device(mon_dirs, entity_wj, operator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.device_save(actor=operator, data=services.DeviceInput(
            entity_id=entity_wj.pk, outlet_code="DW001", outlet_name="总排口", outlet_kind="water", mn="WJ01",
            password="123456", pollutants=["w00000", "w01001", "w01018", "w21003", "w21011"]))


def test_the_page_opens_on_hourly_data_when_there_is_some(device, mon_dirs, operator, client):
    h = int(timezone.now().timestamp()) // 3600
    _hourly(mon_dirs / "lake", "WJ01", "w01018", [h - 5, h - 4, h - 3])
    client.force_login(operator)
    page = client.get(reverse("monitoring:device", args=["WJ01"]))
    assert (page.context["kind"], page.context["span"]) == ("hour", "24h")
    cod = next(c for c in page.context["charts"] if c["series"]["pollutant"] == "w01018")
    assert len(cod["series"]["points"]) == 3
    assert cod["option"]["yAxis"]["name"] == "mg/L" and cod["option"]["series"][0]["name"] == "Chemical oxygen demand (mg/L)"
    html = page.content.decode()
    assert 'title="HJ 212 code: w01018"' in html and "Chemical oxygen demand" in html
    # Asked for explicitly, real-time it is (and says there is nothing).
    asked = client.get(reverse("monitoring:device", args=["WJ01"]), {"kind": "realtime", "range": "24h"})
    assert asked.context["kind"] == "realtime" and not any(c["series"]["points"] for c in asked.context["charts"])


def test_older_hourly_data_opens_the_range_that_shows_it(device, mon_dirs, operator, client):
    h = int(timezone.now().timestamp()) // 3600
    _hourly(mon_dirs / "lake", "WJ01", "w21003", [h - 72, h - 71])
    client.force_login(operator)
    page = client.get(reverse("monitoring:device", args=["WJ01"]))
    assert (page.context["kind"], page.context["span"]) == ("hour", "7d")


def test_a_thin_last_day_opens_the_week_that_has_the_data(device, mon_dirs, operator, client):
    """Data up to yesterday evening: one hour in the last 24 h, four days before it — the week, not one dot."""
    h = int(timezone.now().timestamp()) // 3600
    _hourly(mon_dirs / "lake", "WJ01", "w21003", list(range(h - 24 * 4, h - 22)))
    client.force_login(operator)
    page = client.get(reverse("monitoring:device", args=["WJ01"]))
    assert (page.context["kind"], page.context["span"]) == ("hour", "7d")


def test_a_device_with_no_data_opens_on_real_time(device, operator, client):
    client.force_login(operator)
    page = client.get(reverse("monitoring:device", args=["WJ01"]))
    assert (page.context["kind"], page.context["span"]) == ("realtime", "24h")

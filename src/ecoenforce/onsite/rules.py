"""The on-site record's rules that need no database (pure): how many officers, how far a phone's clock may be off,
what a finding is, and reading EXIF capture time and position from a photo (Pillow only)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

MIN_OFFICERS = 2  # 行政处罚法 art. 42: at least two officers with enforcement certificates
CLOCK_TOLERANCE = dt.timedelta(minutes=10)

COMPLIANT, PROBLEM, NOT_APPLICABLE = "compliant", "problem", "not_applicable"
RESULTS = (COMPLIANT, PROBLEM, NOT_APPLICABLE)


@dataclass(frozen=True)
class ClockCheck:
    offset_seconds: int | None  # the phone's clock minus the server's, when the phone said its time
    flagged: bool
    reasons: tuple[str, ...]  # "offset", "future_end", "future_start"


def clock_check(*, server_now: dt.datetime, device_now: dt.datetime | None, started: dt.datetime,
                ended: dt.datetime, tolerance: dt.timedelta = CLOCK_TOLERANCE) -> ClockCheck:
    """Judge the phone's clock: off by more than `tolerance` when it sent, or times claimed after the server's now.
    A flagged clock is recorded, never trusted: the server's receipt time stands beside it."""
    reasons = []
    offset = None
    if device_now is not None:
        offset = round((device_now - server_now).total_seconds())
        if abs(offset) > tolerance.total_seconds():
            reasons.append("offset")
    if ended > server_now + tolerance:
        reasons.append("future_end")
    if started > server_now + tolerance:
        reasons.append("future_start")
    return ClockCheck(offset_seconds=offset, flagged=bool(reasons), reasons=tuple(reasons))


def findings_check(item_codes: list[str], submitted: dict[str, dict]) -> tuple[list[dict], list[str]]:
    """(findings in checklist order, the codes of items with no valid result). A problem needs a note."""
    findings, missing = [], []
    for code in item_codes:
        raw = submitted.get(code) or {}
        result = str(raw.get("result") or "").strip()
        note = str(raw.get("note") or "").strip()[:1000]
        if result not in RESULTS or (result == PROBLEM and not note):
            missing.append(code)
            continue
        findings.append({"code": code, "result": result, "note": note})
    return findings, missing


# --- EXIF -------------------------------------------------------------------------------------------------

EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME, DATETIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 306, 36867, 36881


@dataclass(frozen=True)
class PhotoFacts:
    captured_at: dt.datetime | None  # aware when the photo said its offset, else naive local time
    latitude: float | None
    longitude: float | None
    width: int | None = None
    height: int | None = None


def _ratio(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        num, den = value
        return float(num) / float(den)


def _dms(values, ref) -> float | None:
    try:
        d, m, s = (_ratio(v) for v in values)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    deg = d + m / 60 + s / 3600
    ref = ref.decode() if isinstance(ref, bytes) else str(ref or "")
    return -deg if ref.strip().upper() in ("S", "W") else deg


def _exif_time(raw, offset) -> dt.datetime | None:
    text = raw.decode(errors="ignore") if isinstance(raw, bytes) else str(raw or "")
    try:
        moment = dt.datetime.strptime(text.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    off = offset.decode(errors="ignore") if isinstance(offset, bytes) else str(offset or "")
    off = off.strip("\x00 ")
    if len(off) == 6 and off[0] in "+-" and off[3] == ":":
        try:
            sign = 1 if off[0] == "+" else -1
            delta = dt.timedelta(hours=int(off[1:3]), minutes=int(off[4:6]))
            return moment.replace(tzinfo=dt.timezone(sign * delta))
        except ValueError:
            return moment
    return moment


def photo_facts(data: bytes) -> PhotoFacts | None:
    """Capture time and position from a photo's EXIF (the GPS IFD included), or None when Pillow cannot read it."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            exif = img.getexif()
            size = img.size
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    sub = exif.get_ifd(EXIF_IFD) if exif else {}
    captured = _exif_time(sub.get(DATETIME_ORIGINAL) or exif.get(DATETIME), sub.get(OFFSET_TIME_ORIGINAL))
    lat = lon = None
    gps = exif.get_ifd(GPS_IFD) if exif else {}
    if gps and 2 in gps and 4 in gps:
        lat, lon = _dms(gps[2], gps.get(1)), _dms(gps[4], gps.get(3))
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
            lat = lon = None
    return PhotoFacts(captured_at=captured, latitude=lat, longitude=lon, width=size[0], height=size[1])


def thumbnail_jpeg(data: bytes, *, box: int = 320) -> bytes | None:
    """A small JPEG of an image (turned upright by its EXIF orientation), or None when Pillow cannot read it."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            img = ImageOps.exif_transpose(img)
            img.thumbnail((box, box))
            out = io.BytesIO()
            img.convert("RGB").save(out, format="JPEG", quality=80)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError):
        return None


def signature_drawn(data: bytes) -> bool:
    """True when a signature image has ink: a blank canvas (every pixel the same) is no signature."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            if img.mode in ("RGBA", "LA", "P"):
                img = img.convert("RGBA")
                alpha = img.getchannel("A").getextrema()
                if alpha[1] > 0 and alpha[0] != alpha[1]:
                    return True
            grey = img.convert("L").getextrema()
            return grey[0] != grey[1]
    except (UnidentifiedImageError, OSError, ValueError):
        return False

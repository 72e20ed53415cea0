"""Tip writes: a tip from the public web form or the 12369 hotline goes into the one lead inbox (leads.services
`lead_create`, idempotent by the form's token), the tipster's name and phone sealed on the lead (core.sealing), and
the tipster gets a tracking code.

The code is derived from the form's one-time token with the server's secret (HMAC), so the same form sent twice
gives the same lead and the same code, while the database keeps only the code's hash and the token's hash.

Abuse guard without a CAPTCHA: a hidden field people never fill (the form refuses it) and a limit per client
address (`settings.TIP_RATE`: at most `limit` web tips in `window` seconds from one address, counted by a keyed
hash of the address, never the address itself).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import re
import secrets
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecoenforce.core.access import require_role
from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import ApplicationError, ValidationFailed
from ecoenforce.core.files import HEAD, private_write, sniff_type
from ecoenforce.core.models import Region, Role, User
from ecoenforce.leads.models import Lead
from ecoenforce.leads.services import lead_create
from ecoenforce.social import where
from ecoenforce.social.codes import ALPHABET, LENGTH, code_hash
from ecoenforce.social.models import Tip, TipPhoto

MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,18}[0-9]$")


class TipsTooFast(ApplicationError):
    """Too many tips from one network address in a short time."""

    status = 429
    default_message = gettext_lazy(
        "Many tips were sent from your network in the last minute. Wait a minute and send yours again; "
        "if it is urgent, call the 12369 hotline.")


def photo_type_of(data: bytes) -> str | None:
    """The image type the bytes are (read from the content, never from the name), or None."""
    kind = sniff_type(data[:HEAD])
    return kind if kind in PHOTO_TYPES else None


def files_dir() -> Path:
    return Path(settings.FILES_DIR) / "tips"


def client_key(address: str) -> str:
    """A keyed hash of a client address: equal for the same address, useless to anyone without the secret."""
    return hmac.new(settings.SECRET_KEY.encode(), f"tip-address:{address}".encode(), hashlib.sha256).hexdigest()


def _code_for(token: str) -> str:
    digest = int.from_bytes(hmac.new(settings.SECRET_KEY.encode(), f"tip-code:{token}".encode(),
                                     hashlib.sha256).digest(), "big")
    chars = []
    for _i in range(LENGTH):
        digest, index = divmod(digest, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def _external_ref(token: str) -> str:
    return "tip:" + hashlib.sha256(f"tip-form:{token}".encode()).hexdigest()[:56]


def _check_rate(key: str) -> None:
    policy = settings.TIP_RATE
    if connection.vendor == "postgresql":  # one address's tips are counted one at a time
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(key[:15], 16)])
    since = timezone.now() - dt.timedelta(seconds=policy["window"])
    if Tip.objects.filter(client_key=key, submitted_at__gte=since).count() >= policy["limit"]:
        raise TipsTooFast()


def _check_location(region: Region | None, address: str, latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    problems: dict[str, list[str]] = {}
    if region is None:
        problems["region"] = [_("Choose the county where you saw it.")]
    elif region.level != Region.Level.COUNTY:
        problems["region"] = [_("Choose a county-level division, not a city or province.")]
    if len(address.strip()) < 2:
        problems["address"] = [_("Say where: a road, a village, a factory gate or a landmark.")]
    lat = lon = None
    if (latitude is None) != (longitude is None):
        problems["latitude"] = [_("Give both latitude and longitude, or neither.")]
    elif latitude is not None:
        try:
            spot = (float(latitude), float(longitude))
        except (TypeError, ValueError):
            spot = (math.nan, math.nan)
        verdict = where.problem(*spot, region.code if region is not None else "")
        if verdict in ("number", "china"):
            problems["latitude"] = [_("These coordinates are not in China. Tap the spot on the map again, or clear "
                                      "them and describe the place in words.")]
        elif verdict == "province":
            province = Region.objects.filter(code=region.code[:2] + "0000").first()
            problems["latitude"] = [_("These coordinates are not in %(province)s, where %(county)s is. Tap the spot "
                                      "on the map again, or clear them and describe the place in words.") % {
                "province": province.name if province else "—", "county": region.name}]
        else:
            lat, lon = round(Decimal(str(latitude)), 6), round(Decimal(str(longitude)), 6)
    if problems:
        first = next(iter(problems.values()))[0]
        raise ValidationFailed(_("Where did you see it? %(problem)s") % {"problem": first}, details=problems)
    return lat, lon


def _check_photos(photos: Sequence[bytes]) -> list[tuple[bytes, str]]:
    problems: list[str] = []
    if len(photos) > MAX_PHOTOS:
        problems.append(_("Send at most %(n)d photos.") % {"n": MAX_PHOTOS})
    checked = []
    for number, data in enumerate(photos, start=1):
        if len(data) > MAX_PHOTO_BYTES:
            problems.append(_("Photo %(n)d is larger than %(mb)d MB. Send a smaller one.")
                            % {"n": number, "mb": MAX_PHOTO_BYTES // (1024 * 1024)})
            continue
        kind = photo_type_of(data)
        if kind is None:
            problems.append(_("File %(n)d is not a photo (JPEG, PNG or WebP). Choose a photo from your camera or "
                              "gallery.") % {"n": number})
            continue
        checked.append((data, kind))
    if problems:
        raise ValidationFailed(" ".join(problems), details={"photos": problems})
    return checked


def _write(tip: Tip, data: bytes, ext: str) -> str:
    stored = f"{tip.pk}/{secrets.token_hex(16)}.{ext}"
    private_write(files_dir() / stored, data)
    return stored


@transaction.atomic
def tip_submit(*, channel: str, token: str, title: str, region: Region | None, address: str,
               description: str = "", latitude: float | None = None, longitude: float | None = None,
               observed_at: dt.datetime | None = None, anonymous: bool = True, name: str = "", phone: str = "",
               photos: Sequence[bytes] = (), client_address: str = "",
               created_by: User | None = None) -> tuple[Tip, str, bool]:
    """File a tip; returns (tip, tracking code, created). The same form token again returns the first tip."""
    token = (token or "").strip()
    if not re.fullmatch(r"[0-9a-f]{32}", token):
        raise ValidationFailed(_("This form has expired. Reload the page and send it again."))
    if channel not in Tip.Channel.values:
        raise ValidationFailed(_("Unknown channel."))
    ref = _external_ref(token)
    existing = Tip.objects.filter(lead__external_ref=ref).first()
    if existing is not None:
        return existing, _code_for(token), False
    key = client_key(client_address) if channel == Tip.Channel.WEB and client_address else ""
    if key:
        _check_rate(key)
    if not (title or "").strip():
        raise ValidationFailed(_("Say in a few words what you saw."), details={"title": [_("Required.")]})
    lat, lon = _check_location(region, address or "", latitude, longitude)
    now = timezone.now()
    if observed_at is not None and observed_at > now + dt.timedelta(minutes=10):
        raise ValidationFailed(_("The time you saw it cannot be in the future."),
                               details={"observed_at": [_("Choose a past time.")]})
    name, phone = (name or "").strip(), (phone or "").strip()
    if anonymous:
        name = phone = ""
    else:
        problems = {}
        if not name:
            problems["name"] = [_("Required for a real-name tip.")]
        if not _PHONE.match(phone):
            problems["phone"] = [_("A phone number we can call back, digits only.")]
        if problems:
            raise ValidationFailed(_("A real-name tip needs your name and a phone number; or choose to stay "
                                     "anonymous."), details=problems)
    checked = _check_photos(photos)
    location = address.strip()[:160] + (f" ({lat}, {lon})" if lat is not None else "")
    lead, _created = lead_create(source=Lead.Source.TIP, title=title, region=region, description=description.strip(),
                                 location=location, reporter_name=name, reporter_phone=phone, created_by=created_by,
                                 external_ref=ref, received_at=now)
    code = _code_for(token)
    tip = Tip.objects.create(lead=lead, code_hash=code_hash(code), channel=channel, anonymous=anonymous,
                             latitude=lat, longitude=lon, observed_at=observed_at, client_key=key, submitted_at=now)
    written: list[str] = []  # a failure below removes them: a file without its row is never served
    try:
        records = []
        for data, kind in checked:
            stored = _write(tip, data, PHOTO_TYPES[kind])
            written.append(stored)
            records.append(TipPhoto.objects.create(tip=tip, stored=stored, content_type=kind, size=len(data),
                                                   sha256=hashlib.sha256(data).hexdigest()))
        # The record says how the tip came and what it carried — never who sent it, from where, or the code.
        audit_record(actor=created_by, obj=lead, action="tip.submit", after={
            "channel": channel, "anonymous": anonymous, "coordinates": lat is not None,
            "photos": [{"type": p.content_type, "size": p.size, "sha256": p.sha256} for p in records]})
    except BaseException:
        for stored in written:
            (files_dir() / stored).unlink(missing_ok=True)
        raise
    return tip, code, True


LINK_ROLES = (Role.INSPECTOR, Role.UNIT_LEADER)


@transaction.atomic
def tip_link_duplicate(*, actor: User, lead_id: object, original_lead_id: object) -> Tip:
    """A handler confirms that a tip reports the same facts as an earlier one: it is linked to the first report
    (the first reporter's tip: the earliest of the chain), with the tips that were linked to it. Audited."""
    from ecoenforce.social.selectors import tip_for_lead

    require_role(actor, LINK_ROLES)
    tip = tip_for_lead(user=actor, lead_id=lead_id)
    original = tip_for_lead(user=actor, lead_id=original_lead_id)
    tips = {t.pk: t for t in Tip.objects.select_for_update().filter(pk__in=[tip.pk, original.pk])}
    tip, original = tips[tip.pk], tips.get(original.pk)
    while original is not None and original.duplicate_of_id is not None:
        original = Tip.objects.select_for_update().get(pk=original.duplicate_of_id)
    if original is None or original.pk == tip.pk:
        raise ValidationFailed(_("A tip cannot be the same facts as itself."), details={"original": [_("Choose another tip.")]})
    if (original.submitted_at, original.pk) > (tip.submitted_at, tip.pk):
        raise ValidationFailed(_("Link the later tip to the earlier one: the first report stays first. Open the later "
                                 "tip and link it from there."), details={"original": [_("This tip came later.")]})
    if tip.duplicate_of_id == original.pk:
        return tip
    before = {"duplicate_of": tip.duplicate_of.lead.number if tip.duplicate_of_id else None}
    now = timezone.now()
    tip.duplicate_of, tip.linked_by, tip.linked_at = original, actor, now
    tip.save(update_fields=["duplicate_of", "linked_by", "linked_at"])
    moved = list(Tip.objects.select_for_update().filter(duplicate_of=tip).select_related("lead"))
    Tip.objects.filter(pk__in=[t.pk for t in moved]).update(duplicate_of=original, linked_by=actor, linked_at=now)
    audit_record(actor=actor, obj=tip.lead, action="tip.link_duplicate", before=before, after={
        "duplicate_of": original.lead.number, "also_moved": [t.lead.number for t in moved]})
    return tip

"""Tip pages: the public form and the tracking page (no sign-in), the 12369 entry and tip photos for staff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ecoenforce.core.access import STAFF_ROLES, has_role, require_role
from ecoenforce.core.errors import NotFound, ValidationFailed
from ecoenforce.core.forms import form_add_errors
from ecoenforce.core.signin import client_address
from ecoenforce.core.tables.uploads import upload_read
from ecoenforce.social.codes import code_display, code_normalize
from ecoenforce.social.forms import PhoneTipForm, TipForm
from ecoenforce.social.models import Tip
from ecoenforce.social.selectors import (
    tip_duplicate_candidates,
    tip_for_lead,
    tip_map_data,
    tip_photo_for_user,
    tip_progress,
)
from ecoenforce.social.services import LINK_ROLES, MAX_PHOTOS, TipsTooFast, tip_link_duplicate, tip_submit


def _photos(request: HttpRequest) -> list[bytes]:
    if getattr(request, "upload_too_large", False):
        upload_read(request, None)  # raises the translated "too large"
    return [upload_read(request, f) for f in request.FILES.getlist("photos")[:MAX_PHOTOS + 1]]


def _submit(request: HttpRequest, form: TipForm, *, channel: str) -> tuple[Tip, str] | None:
    data = form.cleaned_data
    try:
        tip, code, _created = tip_submit(
            channel=channel, token=data["submission_token"], title=data["title"], region=data["region"],
            address=data["address"], description=data["description"], latitude=data.get("latitude"),
            longitude=data.get("longitude"), observed_at=data["observed_at"],
            anonymous=data["identity"] != "real_name", name=data["name"], phone=data["phone"],
            photos=_photos(request), client_address=client_address(request) if channel == Tip.Channel.WEB else "",
            created_by=request.user if request.user.is_authenticated else None)
    except ValidationFailed as exc:
        form_add_errors(form, exc)
        return None
    return tip, code


def tip_new(request: HttpRequest) -> HttpResponse:
    """The public tip form: anonymous or real-name, where (county, address, optional coordinates), photos."""
    form = TipForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = _submit(request, form, channel=Tip.Channel.WEB)
            except TipsTooFast as exc:
                form.add_error(None, str(exc.message))
                status = 429
            else:
                if result is not None:
                    return redirect("social:status", code=result[1])
        if status == 200:
            status = 400
    return render(request, "social/tip_form.html", {"form": form, "max_photos": MAX_PHOTOS,
                                                    "map_data": tip_map_data()}, status=status)


def tip_find(request: HttpRequest) -> HttpResponse:
    """The "follow my tip" box: a typed code goes to its page."""
    code = code_normalize(request.GET.get("code", ""))
    if code is None:
        return render(request, "social/tip_find.html", {
            "typed": request.GET.get("code", ""),
            "error": _("A tracking code has 12 letters and digits, like ABCD-EFGH-JKMN. Check the one you were given."),
        }, status=400)
    return redirect("social:status", code=code)


def tip_status(request: HttpRequest, code: str) -> HttpResponse:
    """A tip's progress by its tracking code, in plain words; the tipster claims an earned reward here."""
    from ecoenforce.social.rewards_services import reward_claim

    error = ""
    try:
        if request.method == "POST" and request.POST.get("action") == "claim_reward":
            try:
                reward_claim(code=code)
            except ValidationFailed as exc:
                error = str(exc.message)
            else:
                return redirect("social:status", code=code)
        progress = tip_progress(code)
    except NotFound as exc:
        return render(request, "social/tip_find.html", {"typed": code, "error": str(exc.message)}, status=404)
    return render(request, "social/tip_status.html", {"progress": progress, "code": code_display(code_normalize(code)),
                                                      "error": error}, status=422 if error else 200)


@login_required
def phone_tip_new(request: HttpRequest) -> HttpResponse:
    """Staff enter a 12369 call; the page then shows the tracking code to read back to the caller."""
    require_role(request.user, STAFF_ROLES)
    form = PhoneTipForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        result = _submit(request, form, channel=Tip.Channel.PHONE)
        if result is not None:
            tip, code = result
            # Shown in this answer only, never in a URL or a message that is stored.
            return render(request, "social/phone_tip_done.html", {"tip": tip, "code": code_display(code)})
    return render(request, "social/phone_tip_form.html", {"form": form})


@login_required
def tip_photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    """A tip's photo, for staff who may open its lead."""
    require_role(request.user, STAFF_ROLES)
    photo, path = tip_photo_for_user(user=request.user, photo_id=photo_id)
    response = FileResponse(path.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def tip_same_facts(request: HttpRequest, lead_id: int) -> HttpResponse:
    """Tips that may report the same facts as this one, suggested; the handler confirms a link to the first report."""
    require_role(request.user, STAFF_ROLES)
    tip = tip_for_lead(user=request.user, lead_id=lead_id)
    error = ""
    if request.method == "POST":
        try:
            tip_link_duplicate(actor=request.user, lead_id=lead_id, original_lead_id=request.POST.get("original"))
        except ValidationFailed as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("Linked: the tips are handled as one matter, the first report first."))
            return redirect("social:same_facts", lead_id=lead_id)
    return render(request, "social/tip_same_facts.html", {
        "tip": tip, "candidates": tip_duplicate_candidates(user=request.user, tip=tip), "error": error,
        "duplicates": tip.duplicates.select_related("lead").order_by("submitted_at"),
        "may_link": has_role(request.user, LINK_ROLES)}, status=422 if error else 200)

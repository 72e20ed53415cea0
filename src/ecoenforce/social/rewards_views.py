"""Reward pages for staff: the claims awaiting a leader's approval, and one reward (approve, refuse, record payment).
The tipster is never named here: a reward is shown by its lead's number, county and amounts."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ecoenforce.core.access import has_role, require_role
from ecoenforce.core.errors import ValidationFailed
from ecoenforce.social.models import Reward
from ecoenforce.social.rewards_selectors import (
    reason_words,
    reward_get_for_user,
    rewards_for_user,
    rewards_waiting,
)
from ecoenforce.social.rewards_services import DECIDE_ROLES, reward_decide, reward_record_payment

LIST_ROLES = DECIDE_ROLES


@login_required
def reward_list(request: HttpRequest) -> HttpResponse:
    """Rewards awaiting approval by this leader (the default), or all rewards within reach."""
    require_role(request.user, LIST_ROLES)
    show_all = request.GET.get("status") == "all"
    rewards = rewards_for_user(user=request.user).order_by("-claimed_at") if show_all else rewards_waiting(request.user)
    return render(request, "social/reward_list.html", {"rewards": rewards[:200], "show_all": show_all})


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@login_required
def reward_detail(request: HttpRequest, reward_id: int) -> HttpResponse:
    """One reward: how it was computed, and the leader's approval, refusal or payment record."""
    require_role(request.user, LIST_ROLES)
    reward = reward_get_for_user(user=request.user, reward_id=reward_id)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("approve", "refuse"):
                reward_decide(actor=request.user, reward_id=reward.pk, approve=action == "approve",
                              reason=request.POST.get("reason", ""))
            elif action == "pay":
                reward_record_payment(actor=request.user, reward_id=reward.pk,
                                      paid_on=_date(request.POST.get("paid_on", "")),
                                      amount=request.POST.get("amount", ""), method=request.POST.get("method", ""))
            else:
                raise ValidationFailed(_("Unknown action."))
        except ValidationFailed as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("social:reward", reward_id=reward.pk)
    return render(request, "social/reward_detail.html", {
        "reward": reward, "why": reason_words(reward.reasons), "error": error, "methods": Reward.Method.choices,
        "may_act": has_role(request.user, DECIDE_ROLES)}, status=422 if error else 200)

"""Tip rewards' share of the work queue: claims awaiting the approval of the leader of the tip's county."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.models import Role
from ecoenforce.core.queue import QueueItem, QueueSource, queue_register
from ecoenforce.social.models import Reward
from ecoenforce.social.rewards_selectors import rewards_waiting


def _row(reward: Reward) -> QueueItem:
    # The lead's number and county and the amount — never the tipster.
    return QueueItem(source="social.rewards", ref=f"social.reward:{reward.pk}",
                     title=f"{reward.tip.lead.number} · ¥{reward.amount}", url=reverse("social:reward", args=[reward.pk]),
                     subject=reward.tip.lead.region.name, state=str(reward.get_status_display()))


def register() -> None:
    """Called from SocialConfig.ready()."""
    queue_register(QueueSource(
        key="social.rewards", label=_("Tip rewards"), order=65, roles=frozenset({Role.UNIT_LEADER}),
        waiting=rewards_waiting, row=_row, more=lambda user: reverse("social:rewards"),
    ))

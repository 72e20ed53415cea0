"""Names people read for the whole-process record: what a chain check found (and, below, actions and objects)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CHAIN_PROBLEMS = {
    "sequence_gap": _("an event is missing: the sequence numbers jump here"),
    "link_broken": _("link broken: this event does not point to the one before it"),
    "content_altered": _("content altered: the event is no longer what was recorded"),
    "events_missing": _("events missing at the end: the chain head is further on"),
}


def chain_problem_label(code: str) -> str:
    """The translated description of a chain problem code, or "" for an unknown code."""
    label = CHAIN_PROBLEMS.get(code)
    return str(label) if label is not None else ""

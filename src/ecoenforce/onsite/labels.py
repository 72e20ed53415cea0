"""Names people read: a checklist group's and an item's text in the language shown (the policy data holds the Chinese
and, where given, the English), a finding's result."""

from __future__ import annotations

from django.utils.translation import get_language, pgettext_lazy

from ecoenforce.onsite.checklists import Group, Item
from ecoenforce.onsite.rules import COMPLIANT, NOT_APPLICABLE, PROBLEM

RESULTS = {COMPLIANT: pgettext_lazy("checklist result", "Compliant"), PROBLEM: pgettext_lazy("checklist result", "Problem"),
           NOT_APPLICABLE: pgettext_lazy("checklist result", "Not applicable")}


def _english() -> bool:
    return (get_language() or "").startswith("en")


def group_name(group: Group) -> str:
    return group.name_en if _english() and group.name_en else group.name


def item_text(item: Item) -> str:
    return item.text_en if _english() and item.text_en else item.text


def result_label(result: str) -> str:
    label = RESULTS.get(result)
    return str(label) if label is not None else result

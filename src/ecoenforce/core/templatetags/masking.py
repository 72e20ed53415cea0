"""`{{ text|masked }}` / `{{ text|masked:person_name }}`: free text on a public page, personal data masked."""

from __future__ import annotations

from django import template

from ecoenforce.core.masking import mask_free_text

register = template.Library()


@register.filter
def masked(text: object, name: str = "") -> str:
    """Mask phones, ID numbers, cards, e-mail, plates (and `name`, e.g. the entity's legal representative)."""
    return mask_free_text(str(text or ""), names=[name] if name else [])

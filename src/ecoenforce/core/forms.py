"""Form helpers shared by every app."""

from __future__ import annotations

from django import forms


def style_form(form: forms.BaseForm) -> forms.BaseForm:
    """Give every widget Tabler's classes and mark invalid fields, so templates stay plain."""
    for name, field in form.fields.items():
        widget = field.widget
        base = "form-select" if isinstance(widget, forms.Select) else "form-control"
        if isinstance(widget, (forms.CheckboxInput, forms.HiddenInput)):
            continue
        classes = [base]
        if form.is_bound and name in form.errors:
            classes.append("is-invalid")
        widget.attrs["class"] = " ".join(classes)
    return form

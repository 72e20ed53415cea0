"""Form helpers shared by every app."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm


def form_add_errors(form: forms.BaseForm, exc) -> None:
    """The one adapter from a service's ValidationFailed to a form: the message that says what to do above the
    form, each field's note beside its field (a note for a field the form does not show goes above, once)."""
    top = str(exc.message)
    form.add_error(None, top)
    for field, msgs in (exc.details or {}).items():
        for msg in msgs:
            if field in form.fields:
                form.add_error(field, msg)
            elif str(msg) != top:
                form.add_error(None, msg)
    for name in form.errors:  # the refused fields are marked as the form's own checks mark them (style_form)
        if name in form.fields:
            widget = form.fields[name].widget
            classes = widget.attrs.get("class", "").split()
            if "is-invalid" not in classes:
                widget.attrs["class"] = " ".join([*classes, "is-invalid"])


class IdsField(forms.Field):
    """The ids ticked in a list of checkboxes the page draws itself (`name` repeated): the service checks that each
    is one the user may choose and says which is not, so the form only keeps them, as typed, for the page again."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[str]:
        return [str(v) for v in (value or [])]


def style_form(form: forms.BaseForm) -> forms.BaseForm:
    """Give every widget Tabler's classes and mark invalid fields, so templates stay plain."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
            base = "form-check-input"  # each choice is a small round or square box, not a text box
        elif isinstance(widget, forms.Select):
            base = "form-select"
        else:
            base = "form-control"
        if isinstance(widget, (forms.CheckboxInput, forms.HiddenInput)):
            continue
        classes = [base]
        if form.is_bound and name in form.errors:
            classes.append("is-invalid")
        widget.attrs["class"] = " ".join(classes)
    return form


class ThrottledSignInMixin:
    """Sign-in forms check the password through core.signin, so every failure counts and a lock is explained."""

    def clean(self):
        from django.core.exceptions import ValidationError

        from ecoenforce.core.signin import SignInFailed, SignInLocked, sign_in_authenticate

        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = sign_in_authenticate(request=self.request, username=username, password=password)
            except SignInLocked as exc:
                self.locked = exc
                raise ValidationError(str(exc.message), code="locked") from None
            if self.user_cache is None:
                raise ValidationError(str(SignInFailed.default_message), code="invalid_login")
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class ThrottledAuthenticationForm(ThrottledSignInMixin, AuthenticationForm):
    """The staff sign-in page's form."""

    locked = None


class ThrottledAdminAuthenticationForm(ThrottledSignInMixin, AdminAuthenticationForm):
    """The admin sign-in (/admin/login/) goes through the same throttle."""

    locked = None

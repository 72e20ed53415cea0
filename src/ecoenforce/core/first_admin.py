"""The first administrator of a real installation (`ecoenforce up --no-demo`): never a built-in account.

The demo seeder creates `admin` with the published demo password; a real installation gets none. Instead the
person installing it chooses one — typed at the terminal, or for automation from the environment
(`ECOENFORCE_ADMIN_USERNAME`, `ECOENFORCE_ADMIN_PASSWORD`, optional `ECOENFORCE_ADMIN_NAME`) — and the
password must pass the same validators as every other password.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Mapping

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.models import Role, User


class NoAdministrator(Exception):
    """No administrator exists, none is given in the environment and nobody is at a terminal to type one."""


def administrator_exists() -> bool:
    return User.objects.filter(is_superuser=True, is_active=True).exists()


@transaction.atomic
def administrator_create(*, username: str, password: str, full_name: str = "") -> User:
    """Create an active superuser with the administrator role; the password must pass the validators."""
    username = (username or "").strip()
    if not username:
        raise ValidationFailed(_("Give the administrator a user name."), details={"username": [_("Required.")]})
    if User.objects.filter(username=username).exists():
        message = _("The user name %(name)s is taken.") % {"name": username}
        raise ValidationFailed(message, details={"username": [message]})
    user = User(username=username, full_name=(full_name or "").strip(), role=Role.ADMINISTRATOR,
                is_staff=True, is_superuser=True)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), details={"password": list(exc.messages)}) from None
    user.set_password(password)
    user.save()
    audit_record(actor=None, obj=user, action="user.create_administrator",
                 after={"username": user.username, "full_name": user.full_name})
    return user


def ensure_first_administrator(*, environ: Mapping[str, str], interactive: bool,
                               write: Callable[[str], None], ask: Callable[[str], str] = input,
                               ask_secret: Callable[[str], str] = getpass.getpass, attempts: int = 3) -> User | None:
    """Make sure an administrator exists; returns the one created, or None if there already was one.

    From the environment when ECOENFORCE_ADMIN_USERNAME is set (a refused password is an error, not a prompt);
    otherwise by asking, when someone is at the terminal; otherwise NoAdministrator.
    """
    if administrator_exists():
        return None
    username = environ.get("ECOENFORCE_ADMIN_USERNAME", "").strip()
    if username:
        return administrator_create(username=username, password=environ.get("ECOENFORCE_ADMIN_PASSWORD", ""),
                                    full_name=environ.get("ECOENFORCE_ADMIN_NAME", ""))
    if not interactive:
        raise NoAdministrator(_(
            "There is no administrator yet. Run this at a terminal to create one, or set ECOENFORCE_ADMIN_USERNAME "
            "and ECOENFORCE_ADMIN_PASSWORD (and optionally ECOENFORCE_ADMIN_NAME) in the environment."))
    write(_("There is no administrator yet: create the first one (it manages users, reference data and policy)."))
    for _attempt in range(attempts):
        username = ask(_("Administrator user name: ")).strip()
        full_name = ask(_("Full name (shown in the record): ")).strip()
        password = ask_secret(_("Password: "))
        if password != ask_secret(_("Password again: ")):
            write(_("The two passwords differ. Try again."))
            continue
        try:
            return administrator_create(username=username, password=password, full_name=full_name)
        except ValidationFailed as exc:
            for messages in exc.details.values():
                for message in messages:
                    write(f"  {message}")
    raise NoAdministrator(_("No administrator was created. Run the command again when you have chosen a password "
                            "that meets the rules."))

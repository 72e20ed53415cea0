"""Sign-in throttling: failed sign-ins are counted per account and per client address, and a key past its
limit is locked for a while, each lock in a row twice as long as the one before.

Every way in goes through here: the web sign-in and the admin sign-in (`core.forms.ThrottledAuthenticationForm`),
the API's token endpoint (`sign_in_authenticate`) and bearer tokens on every API call (`TOKEN_ADDRESS`
scope, counted per client address). The counters live in the database (`SignInThrottle`), so every server
worker sees the same counts. While a key is locked even the right password is refused — otherwise the lock
would not slow guessing — and the message says when to try again.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import ApplicationError
from ecoenforce.core.models import SignInThrottle, User

Scope = SignInThrottle.Scope
Key = tuple[str, str]

# A row with no lock and no failure for this long is forgotten (and a long run of locks starts again).
FORGET_AFTER_SECONDS = 24 * 3600


class SignInFailed(ApplicationError):
    """Wrong user name or password (the API's token endpoint; the pages show the form error)."""

    status = 401
    default_message = gettext_lazy(
        "The user name or password is wrong. Check them and try again; repeated failures lock the account for a while."
    )


class SignInLocked(ApplicationError):
    """Too many failures for an account or an address: refused until `until`, whatever the password."""

    status = 429

    def __init__(self, *, scope: str, until):
        self.scope, self.until = scope, until
        self.retry_after = max(1, math.ceil((until - timezone.now()).total_seconds()))
        super().__init__(
            locked_message(scope, until, self.retry_after), code="sign_in_locked",
            details={"retry_after": self.retry_after, "locked_until": until.isoformat(), "scope": scope},
        )


def locked_message(scope: str, until, retry_after: int) -> str:
    """What the person reads: why, and when to try again (local time, and how long from now)."""
    local = timezone.localtime(until)
    shown = date_format(local, "H:i" if local.date() == timezone.localdate() else "Y-m-d H:i")
    values = {"time": shown, "minutes": max(1, math.ceil(retry_after / 60))}
    if scope == Scope.ACCOUNT:
        return _("Too many failed sign-ins for this account. Try again after %(time)s (in %(minutes)d min), "
                 "or ask an administrator to unlock it.") % values
    if scope == Scope.TOKEN_ADDRESS:
        return _("Too many requests with a wrong API token from your network address. Try again after %(time)s "
                 "(in %(minutes)d min), and check the token the app sends.") % values
    return _("Too many failed sign-ins from your network address. Try again after %(time)s "
             "(in %(minutes)d min).") % values


def client_address(request: HttpRequest) -> str:
    """The client's address as the throttle counts it.

    Behind `TRUSTED_PROXIES` reverse proxies the client is the entry that many places from the right of
    X-Forwarded-For (each proxy appends the address it received from; entries further left are the
    client's own claim). IPv6 clients are counted per /64, the block one subscriber usually holds.
    """
    candidate = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            candidate = forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        return (candidate or "unknown")[:160]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def account_key(username: str) -> str:
    """Accounts are counted case-insensitively, so changing the case of a name gives no fresh attempts."""
    return (username or "").replace("\x00", "").strip().lower()[:160]


def _policy(scope: str) -> dict:
    return settings.SIGN_IN_THROTTLE[scope]


def _where(keys: Iterable[Key]) -> Q:
    where = Q(pk__in=[])
    for scope, key in keys:
        where |= Q(scope=scope, key=key)
    return where


def throttle_check(keys: Iterable[Key]) -> None:
    """Raise SignInLocked if any of the keys is locked now (naming the lock that lasts longest)."""
    now = timezone.now()
    row = (
        SignInThrottle.objects.filter(_where(keys), locked_until__gt=now)
        .order_by("-locked_until").only("scope", "locked_until").first()
    )
    if row is not None:
        raise SignInLocked(scope=row.scope, until=row.locked_until)


@transaction.atomic
def _count_failure(scope: str, key: str, now) -> SignInThrottle:
    policy = _policy(scope)
    row, created = SignInThrottle.objects.select_for_update().get_or_create(
        scope=scope, key=key, defaults={"window_started_at": now, "last_failure_at": now},
    )
    if created:
        SignInThrottle.objects.filter(
            Q(locked_until__isnull=True) | Q(locked_until__lt=now),
            last_failure_at__lt=now - timezone.timedelta(seconds=FORGET_AFTER_SECONDS),
        ).delete()
    elif row.locked_until is not None and row.locked_until > now:
        return row  # a request that raced the lock: already refused, nothing more to count
    if (now - row.last_failure_at).total_seconds() > FORGET_AFTER_SECONDS:
        row.lockouts = 0
    if (now - row.window_started_at).total_seconds() > policy["window"]:
        row.failures, row.window_started_at = 0, now
    row.failures += 1
    row.last_failure_at = now
    if row.failures >= policy["limit"]:
        row.lockouts += 1
        seconds = min(policy["lock"] * 2 ** (row.lockouts - 1), policy["max_lock"])
        row.locked_until = now + timezone.timedelta(seconds=seconds)
        row.failures, row.window_started_at = 0, now
        row.save()
        audit_record(
            actor=None, obj=row, action="sign_in.lock",
            after={"scope": scope, "key": key, "locked_until": row.locked_until, "lockouts": row.lockouts},
            reason=f"{policy['limit']} failures within {policy['window'] // 60} min",
        )
    else:
        row.save()
    return row


def throttle_fail(keys: Iterable[Key]) -> None:
    """Count one failure against every key; raise SignInLocked if that (or an earlier failure) locked one."""
    now = timezone.now()
    locked = [row for row in (_count_failure(scope, key, now) for scope, key in keys)
              if row.locked_until is not None and row.locked_until > now]
    if locked:
        longest = max(locked, key=lambda row: row.locked_until)
        raise SignInLocked(scope=longest.scope, until=longest.locked_until)


def sign_in_authenticate(*, request: HttpRequest, username: str, password: str) -> User | None:
    """Check the password unless the account or the address is locked; count a failure, forgive on success.

    Returns the user, or None for a wrong user name or password; raises SignInLocked while locked. A success
    clears the account's count but not the address's: one valid account must not buy a guesser fresh tries.
    """
    keys = [(Scope.ACCOUNT, account_key(username)), (Scope.ADDRESS, client_address(request))]
    throttle_check(keys)
    # No account has a NUL in its name or password (the forms refuse them; PostgreSQL cannot even compare them).
    unusable = "\x00" in (username or "") or "\x00" in (password or "")
    user = None if unusable else authenticate(request, username=username, password=password)
    if user is None:
        throttle_fail(keys)
        return None
    SignInThrottle.objects.filter(scope=Scope.ACCOUNT, key=account_key(username)).delete()
    return user


@transaction.atomic
def sign_in_unlock(*, actor: User, locks: Iterable[SignInThrottle]) -> int:
    """An administrator lifts locks (the person called and proved who they are); audited."""
    count = 0
    for row in locks:
        audit_record(actor=actor, obj=row, action="sign_in.unlock",
                     before={"scope": row.scope, "key": row.key, "locked_until": row.locked_until}, after=None)
        row.delete()
        count += 1
    return count


class UserWithJurisdictionBackend(ModelBackend):
    """Django's model backend; the signed-in user comes with organization and region (the jurisdiction every
    page checks and the header shows) in one query instead of three."""

    def get_user(self, user_id):
        try:
            user = User.objects.select_related("organization__region").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

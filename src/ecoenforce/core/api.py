"""Sign-in for API clients: exchange a user name and password for a bearer token, and give it back.

The mobile app signs in once (`POST /api/v1/auth/token`), keeps the token until it expires or is revoked,
and revokes it on sign-out (`DELETE /api/v1/auth/token`). The password check is throttled like the sign-in
pages (core.signin): per account and per client address, 429 with Retry-After while locked.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from ecoenforce.core import services
from ecoenforce.core.errors import PermissionDenied
from ecoenforce.core.signin import SignInFailed, sign_in_authenticate

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str
    name: str = "mobile app"
    days: int | None = None


class TokenOut(Schema):
    token: str
    prefix: str
    name: str
    expires_at: dt.datetime


class Problem(Schema):
    code: str
    message: str
    details: dict


@router.post("/token", auth=None, response={201: TokenOut, 401: Problem, 403: Problem, 422: Problem, 429: Problem})
def token_issue(request: HttpRequest, payload: TokenIn):
    """Issue a token for the user whose password this is (valid `days`, default API_TOKEN_DAYS)."""
    user = sign_in_authenticate(request=request, username=payload.username, password=payload.password)
    if user is None:
        raise SignInFailed()
    days = settings.API_TOKEN_DAYS if payload.days is None else payload.days
    token, raw = services.api_token_create(user=user, name=payload.name, days=days)
    return Status(201, TokenOut(token=raw, prefix=token.prefix, name=token.name, expires_at=token.expires_at))


@router.delete("/token", response={204: None, 403: Problem})
def token_revoke_current(request: HttpRequest):
    """Revoke the bearer token this request was made with (the app's sign-out)."""
    token = getattr(request, "api_token", None)
    if token is None:
        raise PermissionDenied(_("This request was not made with a bearer token: sign out in the browser instead."))
    services.api_token_revoke(user=token.user, token_id=token.pk)
    return Status(204, None)


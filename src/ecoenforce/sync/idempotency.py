"""`Idempotency-Key` for every write under /api/v1/: a phone that lost the answer sends the same request again with
the same key and gets the first answer back — the write happens once.

The middleware keys the stored answer by (person, key). The request is fingerprinted (method, path, query, body): the
same key with another request is refused (409, translated) rather than answered with something else. The write and
the stored answer commit in one transaction, so two copies racing each other cannot both write: the second one's
insert of the key fails, its own work is rolled back and it answers with the first one's stored answer. Only
successful answers are kept (a refusal leaves nothing behind: the phone may correct and send again under the key).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.core.models import ApiToken
from ecoenforce.core.services import token_hash
from ecoenforce.sync.models import IdempotentRequest

HEADER = "HTTP_IDEMPOTENCY_KEY"
API_PREFIX = "/api/v1/"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
KEY_FORMAT = re.compile(r"^[A-Za-z0-9_.:\-]{8,128}$")
MAX_STORED_BODY = 256 * 1024  # answers are small JSON; a larger one is returned but not kept
KEEP_FOR = dt.timedelta(days=30)  # longer than any phone stays offline


def _user_id(request: HttpRequest) -> int | None:
    """Who sends it: the signed-in session, else the bearer token (the API authenticates it again in the view)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.pk
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if auth[:7].lower() == "bearer " and auth[7:].strip():
        return (ApiToken.objects.filter(key_hash=token_hash(auth[7:].strip()), revoked_at__isnull=True,
                                        expires_at__gt=timezone.now(), user__is_active=True)
                .values_list("user_id", flat=True).first())
    return None


def request_fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.META.get("QUERY_STRING", "")):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def _error(status: int, code: str, message: str, field: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "details": {field: [message]}}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def _replay(stored: IdempotentRequest, request: HttpRequest, fingerprint: str) -> HttpResponse:
    if stored.request_hash != fingerprint or stored.method != request.method or stored.path != request.path:
        return _error(409, "IdempotencyConflict", _(
            "This idempotency key was already used for a different request. A new record or file needs a new key; "
            "the request sent first under this key stands."), "Idempotency-Key")
    response = HttpResponse(stored.body, status=stored.status, content_type=stored.content_type)
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    """Answers a replayed write under /api/v1/ from the stored first answer (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.META.get(HEADER)
        if key is None or request.method not in WRITE_METHODS or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        key = key.strip()
        if not KEY_FORMAT.match(key):
            return _error(422, "ValidationFailed", _(
                "The Idempotency-Key header must be 8 to 128 letters, digits or the characters _ . : -"),
                "Idempotency-Key")
        user_id = _user_id(request)
        if user_id is None:
            return self.get_response(request)  # the view answers 401
        fingerprint = request_fingerprint(request)
        stored = IdempotentRequest.objects.filter(user_id=user_id, key=key).first()
        if stored is not None:
            return _replay(stored, request, fingerprint)
        try:
            with transaction.atomic():
                response = self.get_response(request)
                if (200 <= response.status_code < 300 and not response.streaming
                        and len(response.content) <= MAX_STORED_BODY):
                    IdempotentRequest.objects.create(
                        user_id=user_id, key=key, method=request.method, path=request.path[:500],
                        request_hash=fingerprint, status=response.status_code,
                        content_type=response.get("Content-Type", "application/json"),
                        body=response.content.decode("utf-8", "replace"))
        except IntegrityError:
            # The same key committed by a concurrent copy of this request: ours is rolled back, theirs stands.
            stored = IdempotentRequest.objects.filter(user_id=user_id, key=key).first()
            if stored is None:
                raise
            return _replay(stored, request, fingerprint)
        return response


def idempotent_requests_cleanup(*, now: dt.datetime | None = None) -> int:
    """Forget stored answers older than KEEP_FOR; returns how many."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    deleted, _detail = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted

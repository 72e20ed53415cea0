"""The JSON API under /api/v1/ (django-ninja, OpenAPI at /api/v1/docs): entities, leads, cases.

Authentication: a bearer token (`Authorization: Bearer ee_...`, issued on the API tokens page or by POST /auth/token) for
the mobile app, or the browser session. Errors use the one vocabulary of core.errors.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from ecoenforce.assist.api import router as assist_router
from ecoenforce.cases.api import router as cases_router
from ecoenforce.compliance.api import router as enterprise_router
from ecoenforce.core.api import router as auth_router
from ecoenforce.core.api_queue import router as queue_router
from ecoenforce.core.errors import ApplicationError
from ecoenforce.core.models import SignInThrottle
from ecoenforce.core.services import api_token_authenticate
from ecoenforce.core.signin import SignInLocked, client_address, throttle_check, throttle_fail
from ecoenforce.grids.api import router as grids_router
from ecoenforce.leads.api import router as leads_router
from ecoenforce.monitoring.api import router as monitoring_router
from ecoenforce.notifications.api import router as notifications_router
from ecoenforce.onsite.api import router as onsite_router
from ecoenforce.planning.api import router as planning_router
from ecoenforce.referrals.api import router as referrals_router
from ecoenforce.registry.api import router as registry_router
from ecoenforce.registry.api_classification import router as classification_router
from ecoenforce.sampling.api import router as sampling_router
from ecoenforce.sync.api import router as uploads_router
from ecoenforce.warnings.api import router as warnings_router


class TokenAuth(HttpBearer):
    """Bearer tokens (API tokens page or POST /auth/token); wrong tokens are counted per client address."""

    def authenticate(self, request: HttpRequest, token: str):
        keys = [(SignInThrottle.Scope.TOKEN_ADDRESS, client_address(request))]
        throttle_check(keys)  # SignInLocked → 429 through the ApplicationError handler
        found = api_token_authenticate(token)
        if found is None:
            throttle_fail(keys)
            return None
        request.user = found.user
        request.api_token = found
        return found.user


class SessionAuth(APIKeyCookie):
    """The browser session (CSRF-checked for unsafe methods)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


# What every operation may answer besides its success, all in the one {code, message, details} shape; a native app
# reads these from the OpenAPI instead of guessing.
ERROR_RESPONSES = {
    400: "The request could not be read (e.g. a body too large to read).",
    401: "No valid bearer token or session.",
    403: "Your role cannot do this.",
    404: "Not found, or outside your jurisdiction (never said which).",
    409: "Not allowed in the current state (e.g. the task's result is already recorded, a chunk beyond the "
           "server's offset, an Idempotency-Key reused for another request): nothing was written.",
    422: "A value breaks a rule; `details` names each field with what to correct. Nothing was written.",
    429: "Too many failed sign-ins or wrong tokens from this address: try again after Retry-After seconds.",
}
IDEMPOTENCY_HEADER = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "Optional on every write: the same key with the same request answers the first answer again "
                   "(header Idempotent-Replayed: true) and writes nothing; with another request, 409.",
    "schema": {"type": "string", "pattern": r"^[A-Za-z0-9_.:\-]{8,128}$"},
}
ERROR_SCHEMA = {
    "title": "Error", "type": "object", "required": ["code", "message"],
    "properties": {
        "code": {"type": "string", "description": "NotFound, PermissionDenied, InvalidTransition, ValidationFailed, "
                                                  "OffsetConflict, IdempotencyConflict, …"},
        "message": {"type": "string", "description": "what went wrong and what to do, in the request's language"},
        "details": {"type": "object", "description": "field → messages (and facts such as an upload's `received`)"},
    },
}


def document_errors(schema: dict) -> dict:
    """Add the error answers and the Idempotency-Key header to every operation of an OpenAPI document."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    for ops in schema.get("paths", {}).values():
        for method, op in ops.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            for status, text in ERROR_RESPONSES.items():
                ref = "#/components/schemas/Error"
                op["responses"].setdefault(status, {"description": text,
                                                    "content": {"application/json": {"schema": {"$ref": ref}}}})
            if method.upper() in ("POST", "PUT", "PATCH", "DELETE"):
                params = op.setdefault("parameters", [])
                if not any(p.get("name") == "Idempotency-Key" for p in params):
                    params.append(dict(IDEMPOTENCY_HEADER))
    return schema


class DocumentedAPI(NinjaAPI):
    """The NinjaAPI whose OpenAPI also says how each operation can fail (see `document_errors`)."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        return document_errors(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = DocumentedAPI(
    title="ecoenforce API",
    version="1",
    description="Eco-environmental enforcement platform: regulated entities, leads, cases, planning (plans, rounds, "
                "tasks), on-site records and evidence, resumable uploads, sampling.",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError):
    """Render any ApplicationError as {code, message, details} with its HTTP status."""
    response = api.create_response(
        request, {"code": exc.code, "message": str(exc.message), "details": exc.details}, status=exc.status
    )
    if isinstance(exc, SignInLocked):
        response["Retry-After"] = str(exc.retry_after)
    return response


HTTP_ERROR_MESSAGES = {
    400: gettext_lazy("The request could not be read (its body is not valid JSON or form data). Correct it and send it again."),
    401: gettext_lazy("Sign in, or send a valid bearer token (Authorization: Bearer …)."),
    403: gettext_lazy("The request was refused (sign in again if your session has expired)."),
}


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    """Django Ninja's own refusals (unreadable body, no authentication…) in the same {code, message, details} shape,
    translated; `detail` keeps Ninja's wording."""
    status = exc.status_code
    code = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 429: "Throttled"}.get(
        status, "HttpError")
    message = HTTP_ERROR_MESSAGES.get(status) or str(exc)
    return api.create_response(request, {"code": code, "message": str(message), "details": {}, "detail": str(exc)},
                               status=status)


@api.exception_handler(NinjaValidationError)
def invalid_request(request: HttpRequest, exc: NinjaValidationError):
    """A request that does not match the schema: the same {code, message, details} shape, the message translated
    (pydantic's per-field wording stays in `details` and `detail`)."""
    details: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(p) for p in error.get("loc", ())]
        field = ".".join(location[1:] if len(location) > 1 else location) or "__all__"
        details.setdefault(field, []).append(str(error.get("msg", "")))
    message = _("Some values of the request are not valid: %(fields)s. Correct them and send it again.") % {
        "fields": ", ".join(details)}
    return api.create_response(request, {"code": "ValidationFailed", "message": message, "details": details,
                                         "detail": exc.errors}, status=422)


api.add_router("/auth", auth_router)
api.add_router("/entities", registry_router)
api.add_router("/registry", classification_router)
api.add_router("/leads", leads_router)
api.add_router("/cases", cases_router)
api.add_router("/warnings", warnings_router)
api.add_router("/monitoring", monitoring_router)
api.add_router("/queue", queue_router)
api.add_router("/notifications", notifications_router)
api.add_router("/planning", planning_router)
api.add_router("/onsite", onsite_router)
api.add_router("/uploads", uploads_router)
api.add_router("/enterprise", enterprise_router)
api.add_router("/grids", grids_router)
api.add_router("/assist", assist_router)
api.add_router("/referrals", referrals_router)
api.add_router("/sampling", sampling_router)

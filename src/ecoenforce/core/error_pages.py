"""The pages for 400, 403, 404, a failed CSRF check and 500, in the product's layout and language.

Django's own are bare English ("Not Found"). Under /api/ the answer is the API's JSON error shape instead.
The 500 page is rendered without the request's context processors and from a layout of its own that reads
nothing from the database, so it still appears when the database is what failed.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from ecoenforce.core.errors import PermissionDenied


def _answer(request: HttpRequest, *, status: int, code: str, title: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"code": code, "message": message, "details": {}}, status=status)
    context = {"error": SimpleNamespace(message=message), "status": status, "title": title}
    return render(request, "core/error.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(request, status=400, code="BadRequest", title=_("The request was not understood"),
                   message=_("The browser sent something the server could not read. Go back, reload the page and "
                             "try again."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(request, status=403, code="PermissionDenied", title=_("Not allowed"),
                   message=str(PermissionDenied.default_message))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(request, status=404, code="NotFound", title=_("Page not found"),
                   message=_("There is no page at this address. Check the address, or start again from the menu."))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _answer(request, status=403, code="CsrfFailed", title=_("The form expired"),
                   message=_("The form could not be accepted: its security check is missing or out of date (the "
                             "page was open for a long time, or you signed in again elsewhere). Go back, reload "
                             "the page and send the form again."))


def server_error(request: HttpRequest) -> HttpResponse:
    """No database, no context processors: the layout of 500.html reads only the language and static URLs."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "ServerError", "message": _(
            "The server failed while answering. If you were saving something, check whether it was saved before you "
            "try again."),
            "details": {}}, status=500)
    try:
        return HttpResponseServerError(loader.get_template("500.html").render())
    except Exception:  # the error page itself failed (missing static manifest, broken template): plain text
        return HttpResponseServerError(
            "服务器出错，请稍后再试。/ The server failed; try again in a few minutes.",
            content_type="text/plain; charset=utf-8")

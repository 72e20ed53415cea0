"""Request-path middleware: security headers, Chinese-first locale, ApplicationError as a page a person can act on
(the API has its own handler in ecoenforce.api)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ecoenforce.core.errors import ApplicationError


class ApplicationErrorMiddleware:
    """Render application errors as the standard error page with the right HTTP status."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ApplicationError) or request.path.startswith("/api/"):
            return None
        return render(request, "core/error.html", {"error": exception}, status=exception.status)


class ChineseFirstLocaleMiddleware:
    """Chinese unless the person chose otherwise: the browser's Accept-Language is ignored on purpose.

    Bureau PCs and phones are often set to English system locales; the product's first language is
    Chinese, and the language switch (stored in the language cookie) is the one way to change it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every response (settings.CONTENT_SECURITY_POLICY).

    Django 5.2 has no CSP of its own; SecurityMiddleware already sends HSTS (over HTTPS), nosniff, the referrer
    policy and COOP. A view that needs a different policy sets the header itself and is left alone.
    """

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response

"""The one error vocabulary: every failure a person can see says what went wrong and what to do next."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """Base of all errors the application raises on purpose; `message` is shown to the person."""

    status = 400
    default_message = _("The request could not be completed.")

    def __init__(self, message: Any = None, *, code: str = "", details: dict[str, Any] | None = None):
        self.message = message or self.default_message
        self.code = code or self.__class__.__name__
        self.details = details or {}
        super().__init__(str(self.message))


class NotFound(ApplicationError):
    """The object does not exist, or lies outside the user's jurisdiction (never say which)."""

    status = 404
    default_message = _("Not found. It may have been removed, or it is outside your jurisdiction.")


class PermissionDenied(ApplicationError):
    """The user's role may not do this."""

    status = 403
    default_message = _("Your role cannot do this. Ask a unit leader or an administrator if you need access.")


class InvalidTransition(ApplicationError):
    """A workflow step that the transition table does not allow from the current state."""

    status = 409
    default_message = _("This step is not allowed from the current stage.")


class ValidationFailed(ApplicationError):
    """Input that breaks a rule; `details` maps field names to messages."""

    status = 422
    default_message = _("Some fields need correcting.")

    @classmethod
    def from_django(cls, exc: Any) -> ValidationFailed:
        """Wrap a django.core.exceptions.ValidationError, keeping field messages."""
        if hasattr(exc, "message_dict"):
            details = {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
        else:
            details = {"__all__": [str(m) for m in exc.messages]}
        first = next(iter(details.values()))[0] if details else None
        return cls(first, details=details)

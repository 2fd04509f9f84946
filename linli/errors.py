"""Domain errors: raised by services and selectors, mapped to HTTP in one place.

A service never returns an error code; it raises one of these with a message a resident can
read (Chinese by default, through gettext). Pages show the message; the API returns it as JSON.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import defaults


class DomainError(Exception):
    """Base class. ``code`` is stable for programs; ``message`` is for people."""

    status = 400
    code = "invalid"
    default_message = _("The request could not be carried out.")

    def __init__(self, message: Any = None, *, code: str | None = None, details: Any = None) -> None:
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.details = details
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.details is not None:
            body["details"] = self.details
        return body


class ValidationFailed(DomainError):
    status = 422
    code = "invalid"


class NotFound(DomainError):
    """Also raised for objects outside the user's scope: we never reveal that they exist."""

    status = 404
    code = "not_found"
    default_message = _("Not found, or you have no access to it.")


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    default_message = _("You do not have permission to do this.")


class Conflict(DomainError):
    status = 409
    code = "conflict"


class DomainErrorMiddleware:
    """Turns a DomainError escaping a page view into a readable page with the right status."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(exception.as_dict(), status=exception.status)
        template = "partials/error.html" if getattr(request, "htmx", False) else "error.html"
        return render(request, template, {"error": exception}, status=exception.status)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler404``: an API client gets JSON {code, message} like every other API error (an id
    that is not a number, an unknown path), a person gets the 404 page."""
    if request.path.startswith("/api/"):
        return JsonResponse(NotFound().as_dict(), status=404)
    return defaults.page_not_found(request, exception)

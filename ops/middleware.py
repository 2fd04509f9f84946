"""The database is unavailable: a clear 503 page instead of a stack trace (docs/ops.md).

An ``OperationalError`` or ``InterfaceError`` from ``django.db`` means the database could not be
reached or dropped the connection (restart, failover, network, too many connections). That is
not a bug in the request and it heals by itself: Django opens a new connection on the next
request (``CONN_HEALTH_CHECKS`` also replaces a persistent connection that died in between), so
the page says "try again shortly" with ``Retry-After`` and the app needs no restart.

Two entry points, because the failure can happen in two places:

* ``DatabaseUnavailableMiddleware.process_exception``: the view (or a ninja API operation) hit
  the database;
* ``server_error``: the failure happened outside a view — the session or user lookup in an
  earlier middleware, the session save on the way out. Django turns those into a 500 through
  ``handler500``; this handler looks at the exception being handled and answers 503 when it is
  the database's. (``linli/urls.py`` sets ``handler500 = "ops.middleware.server_error"``.)

The page is rendered without the request context: ``base.html`` and the context processors look
up the user and their communities, which needs the database that just failed.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger("linli.ops")

RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError)


def is_database_unavailable(exc: BaseException | None) -> bool:
    """True for a connection-level failure, also when it is wrapped in another exception."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, DATABASE_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def unavailable_response(request: HttpRequest) -> HttpResponse:
    message = _("The service is briefly unavailable. Please try again in a minute.")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"code": "unavailable", "message": message}, status=503)
    else:
        html = render_to_string("503.html", {"message": message, "retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Never cached: the next request may well succeed.
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_unavailable(exception):
            return None
        # Logged without the request's data: only the database's own message.
        logger.error("database unavailable during %s %s: %s", request.method, request.path, exception)
        return unavailable_response(request)


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """``handler500``: 503 when the uncaught exception is the database being unreachable."""
    if is_database_unavailable(sys.exc_info()[1]):
        logger.error("database unavailable during %s %s", request.method, request.path)
        return unavailable_response(request)
    return defaults.server_error(request, template_name=template_name)

"""The JSON API at /api/v1/: one NinjaAPI, a router per app, errors as JSON in one place."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from accounts.services import api_token_authenticate
from linli.errors import DomainError
from linli.throttles import AnonymousThrottle, UserThrottle
from orgs.scope import Scope


class SessionAuth(APIKeyCookie):
    """The browser's session cookie; unsafe methods also need the CSRF token."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            request.scope = Scope(user)
            return user
        return None


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_authenticate(token)
        if user is None:
            return None
        request.user = user
        request.scope = Scope(user)
        return user


api = NinjaAPI(
    title="Linli API",
    version="1",
    description="社区合伙人 / 公益+市场 — JSON API. Errors: {code, message}.",
    # The token first: a script sending a Bearer token has no CSRF token, and the cookie check
    # would refuse it before the token was looked at. Browsers send no Authorization header.
    auth=[TokenAuth(), SessionAuth(csrf=True)],
    throttle=[AnonymousThrottle(), UserThrottle()],
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: NinjaValidationError):
    fields = []
    for err in exc.errors:
        loc = ".".join(str(part) for part in err.get("loc", []) if part not in ("body", "query", "path", "payload"))
        fields.append({"field": loc, "error": err.get("msg", "")})
    return api.create_response(
        request,
        {"code": "invalid", "message": _("Some fields are missing or malformed."), "details": fields},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return api.create_response(
        request, {"code": "unauthenticated", "message": _("Please log in, or send a valid API token.")}, status=401
    )


@api.exception_handler(Throttled)
def _throttled(request, exc: Throttled):
    response = api.create_response(
        request,
        {"code": "too_many_requests", "message": _("Too many requests. Please wait a moment and try again.")},
        status=429,
    )
    response["Retry-After"] = "1"
    return response


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return api.create_response(request, {"code": "error", "message": str(exc)}, status=exc.status_code)


def _register_routers() -> None:
    from audit.api import router as audit_router
    from catalog.api import router as catalog_router
    from enterprise.api import router as enterprise_router
    from fund.api import router as fund_router
    from insights.api import router as insights_router
    from jobs.api import router as jobs_router
    from ledger.api import router as ledger_router
    from markets.api import router as markets_router
    from matching.api import router as matching_router
    from orgs.api import router as orgs_router
    from partners.api import router as partners_router
    from records.api import router as records_router
    from residents.api import router as residents_router
    from snapshots.api import router as snapshots_router
    from spaces.api import router as spaces_router
    from volunteers.api import router as volunteers_router

    api.add_router("/orgs", orgs_router)
    api.add_router("/residents", residents_router)
    api.add_router("/ledger", ledger_router)
    api.add_router("/spaces", spaces_router)
    api.add_router("/partners", partners_router)
    api.add_router("/records", records_router)
    api.add_router("/catalog", catalog_router)
    api.add_router("/fund", fund_router)
    api.add_router("/enterprise", enterprise_router)
    api.add_router("/markets", markets_router)
    api.add_router("/jobs", jobs_router)
    api.add_router("/volunteers", volunteers_router)
    api.add_router("/matching", matching_router)
    api.add_router("/snapshots", snapshots_router)
    api.add_router("/insights", insights_router)
    api.add_router("/audit", audit_router)


_register_routers()

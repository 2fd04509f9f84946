"""Rate limits: the API's per-address and per-user throttles (django-ninja's) and a limit on
anonymous form posts (django-ratelimit), with rates read from settings on every request so that
operators (and tests) can change them.

The counters live in the default cache: per server process with the default memory cache, shared
between processes with Redis (``REDIS_URL``), which production should use so that a client cannot
multiply its allowance by the number of workers. Behind a reverse proxy set ``NINJA_NUM_PROXIES``
(API) and make the proxy set ``REMOTE_ADDR`` (pages), or every client shares the proxy's address.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited
from ninja.throttling import AnonRateThrottle, UserRateThrottle

from linli.errors import DomainError


class TooManyRequests(DomainError):
    status = 429
    code = "too_many_requests"


class _RateFromSettings:
    setting = ""

    def __init__(self) -> None:  # the rate is read per request, not fixed at start-up
        self.rate = None

    def allow_request(self, request) -> bool:
        rate = getattr(settings, self.setting, None)
        if not rate:
            return True
        self.rate = rate
        self.num_requests, self.duration = self.parse_rate(rate)
        return super().allow_request(request)


class AnonymousThrottle(_RateFromSettings, AnonRateThrottle):
    """Calls without a login or token, per client address (``LINLI_API_ANON_RATE``)."""

    setting = "LINLI_API_ANON_RATE"


class UserThrottle(_RateFromSettings, UserRateThrottle):
    """Calls by one account, however many tokens or sessions it uses (``LINLI_API_USER_RATE``)."""

    setting = "LINLI_API_USER_RATE"


def limit_anonymous_posts(view):
    """At most ``LINLI_PUBLIC_FORM_RATE`` posts of this form per client address: an open form
    (a partner's application) must not be a way to fill the database or the reviewers' queue."""

    group = f"{view.__module__}.{view.__qualname__}"

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        rate = settings.LINLI_PUBLIC_FORM_RATE
        if (
            rate
            and request.method == "POST"
            and is_ratelimited(request, group=group, key="ip", rate=rate, method="POST", increment=True)
        ):
            raise TooManyRequests(_("Too many submissions from your network. Please try again in an hour."))
        return view(request, *args, **kwargs)

    return wrapped

"""Responses to a logged-in user are never stored by a browser cache or a proxy.

Nearly every page and API answer behind a login carries someone's personal data (a resident's
own page, the residents list, orders with names, reports with photos), and WeChat's browser
and shared family phones keep what they are allowed to keep. So: ``Cache-Control: private,
no-store`` on every response to an authenticated request, unless the view chose otherwise
(a view that sets its own ``Cache-Control``, e.g. a public QR code, keeps it). Public pages,
which show no personal data, stay cacheable.
"""

from __future__ import annotations

from django.utils.cache import patch_cache_control


class PrivateResponsesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response

from django.utils.functional import SimpleLazyObject

from orgs.scope import Scope


class ScopeMiddleware:
    """Resolve the user's scope once per request, lazily, and hand it on as ``request.scope``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: Scope(request.user))
        return self.get_response(request)

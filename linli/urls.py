from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.cache import never_cache

from linli.api import api
from orgs import views as org_views


@never_cache
def healthz(request):
    """Liveness and database reachability, for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok", "database": connection.vendor})
    except Exception:  # the point is to answer, whatever broke
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)


handler404 = "linli.errors.page_not_found"
handler500 = "ops.middleware.server_error"  # a lost database is a 503, anything else the 500 page

public_patterns = ([path("", org_views.public_home, name="home")], "public")

urlpatterns = [
    path("", include(public_patterns)),
    path("healthz", healthz, name="healthz"),
    # Early in the list: the API takes most requests, and URLs are matched in this order.
    path("api/v1/", api.urls),
    path("accounts/", include("accounts.urls")),
    path("console/", include("orgs.console_urls")),
    path("console/orgs/", include("orgs.urls")),
    path("console/residents/", include("residents.urls")),
    path("console/ledger/", include("ledger.urls")),
    path("console/spaces/", include("spaces.urls")),
    path("console/partners/", include("partners.urls")),
    path("console/records/", include("records.urls")),
    path("console/catalog/", include("catalog.urls")),
    path("console/fund/", include("fund.urls")),
    path("console/enterprise/", include("enterprise.urls")),
    path("console/markets/", include("markets.urls")),
    path("console/jobs/", include("jobs.urls")),
    path("console/volunteers/", include("volunteers.urls")),
    path("console/matching/", include("matching.urls")),
    path("console/snapshots/", include("snapshots.urls")),
    path("console/insights/", include("insights.urls")),
    path("console/audit/", include("audit.urls")),
    path("c/spaces/", include("spaces.public_urls")),
    path("c/partners/", include("partners.public_urls")),
    path("c/records/", include("records.public_urls")),
    path("c/catalog/", include("catalog.public_urls")),
    path("c/fund/", include("fund.public_urls")),
    path("c/enterprise/", include("enterprise.public_urls")),
    path("c/markets/", include("markets.public_urls")),
    path("c/jobs/", include("jobs.public_urls")),
    path("c/volunteers/", include("volunteers.public_urls")),
    path("c/matching/", include("matching.public_urls")),
    path("c/snapshots/", include("snapshots.public_urls")),
    path("c/insights/", include("insights.public_urls")),
    path("me/records/", include("records.me_urls")),
    path("me/catalog/", include("catalog.me_urls")),
    path("me/fund/", include("fund.me_urls")),
    path("me/enterprise/", include("enterprise.me_urls")),
    path("me/markets/", include("markets.me_urls")),
    path("me/jobs/", include("jobs.me_urls")),
    path("me/volunteers/", include("volunteers.me_urls")),
    path("me/matching/", include("matching.me_urls")),
    path("me/snapshots/", include("snapshots.me_urls")),
    path("me/", include("residents.me_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

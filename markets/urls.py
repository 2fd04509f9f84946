from django.urls import path

from markets import views

app_name = "markets"

urlpatterns = [
    path("", views.market_list, name="list"),
    path("new/", views.market_create, name="create"),
    path("<int:market_id>/", views.market_detail, name="detail"),
    path("<int:market_id>/status/", views.market_status, name="status"),
    path("<int:market_id>/donations/", views.donation_add, name="donation_add"),
    path("applications/<int:stall_application_id>/", views.application_detail, name="application"),
    path("applications/<int:stall_application_id>/do/", views.application_action, name="application_action"),
    path("applications/<int:stall_application_id>/checkin/", views.checkin, name="checkin"),
    path("merchants/", views.merchant_list, name="merchants"),
    path("merchants/new/", views.merchant_create, name="merchant_create"),
    path("merchants/<int:merchant_id>/", views.merchant_detail, name="merchant"),
    path("merchants/<int:merchant_id>/do/", views.merchant_action, name="merchant_action"),
    # The merchant portal: a merchant's own logins, their own stalls only
    path("portal/", views.portal_home, name="portal"),
    path("portal/<int:market_id>/apply/", views.portal_apply, name="portal_apply"),
]

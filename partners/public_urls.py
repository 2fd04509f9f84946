from django.urls import path

from partners.views import public

app_name = "partners_public"

urlpatterns = [
    path("", public.index, name="index"),
    path("<int:community_id>/", public.community, name="community"),
    path("calls/<int:call_id>/", public.call_detail, name="call"),
    path("calls/<int:call_id>/apply/", public.call_apply, name="call_apply"),
    path("calls/<int:call_id>/thanks/", public.call_thanks, name="call_thanks"),
    path("p/<int:partner_id>/", public.partner_detail, name="partner"),
    path("p/<int:partner_id>/rate/", public.partner_rate, name="partner_rate"),
]

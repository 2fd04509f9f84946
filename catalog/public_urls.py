from django.urls import path

from catalog.views import public

app_name = "catalog_public"

urlpatterns = [
    path("<int:community_id>/", public.catalogue, name="catalogue"),
    path("items/<int:catalog_item_id>/", public.item_detail, name="item"),
]

app_name = "catalog_public"

urlpatterns: list = []

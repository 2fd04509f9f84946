app_name = "catalog_me"

urlpatterns: list = []

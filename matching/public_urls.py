app_name = "matching_public"

urlpatterns: list = []

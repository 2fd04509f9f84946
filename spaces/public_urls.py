app_name = "spaces_public"

urlpatterns: list = []

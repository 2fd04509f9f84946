app_name = "enterprise_public"

urlpatterns: list = []

app_name = "markets_public"

urlpatterns: list = []

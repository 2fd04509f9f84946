app_name = "markets_me"

urlpatterns: list = []

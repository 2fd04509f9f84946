app_name = "markets"

urlpatterns: list = []

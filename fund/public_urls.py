app_name = "fund_public"

urlpatterns: list = []

app_name = "fund_me"

urlpatterns: list = []

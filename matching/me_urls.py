app_name = "matching_me"

urlpatterns: list = []

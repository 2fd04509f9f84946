app_name = "enterprise_me"

urlpatterns: list = []

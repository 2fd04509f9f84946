app_name = "records_me"

urlpatterns: list = []

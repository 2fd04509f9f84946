app_name = "records_public"

urlpatterns: list = []

app_name = "snapshots_public"

urlpatterns: list = []

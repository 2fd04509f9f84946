app_name = "snapshots_me"

urlpatterns: list = []

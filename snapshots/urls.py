app_name = "snapshots"

urlpatterns: list = []

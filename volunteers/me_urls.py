app_name = "volunteers_me"

urlpatterns: list = []

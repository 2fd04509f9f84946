from django.urls import path

from fund.views import me

app_name = "fund_me"

urlpatterns = [
    path("", me.home, name="home"),
    path("requests/<int:spending_request_id>/comment/", me.comment, name="comment"),
    path("ask/", me.ask, name="ask"),
]

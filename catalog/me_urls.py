from django.urls import path

from catalog.views import me

app_name = "catalog_me"

urlpatterns = [
    path("", me.home, name="home"),
    path("meals/<int:meal_id>/", me.meal_order, name="meal_order"),
    path("orders/<int:meal_order_id>/", me.order_detail, name="order"),
    path("orders/<int:meal_order_id>/cancel/", me.order_cancel, name="order_cancel"),
    path("classes/<int:class_item_id>/", me.class_enrol, name="enrol"),
    path("enrolments/<int:enrolment_id>/withdraw/", me.enrolment_withdraw, name="withdraw"),
]

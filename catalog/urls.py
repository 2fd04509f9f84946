from django.urls import path

from catalog.views import kitchen, staff

app_name = "catalog"

urlpatterns = [
    path("", staff.item_list, name="items"),
    path("items/new/", staff.item_create, name="item_create"),
    path("items/<int:catalog_item_id>/", staff.item_edit, name="item_edit"),
    path("rules/", staff.rule_list, name="rules"),
    path("rules/<int:price_rule_id>/toggle/", staff.rule_toggle, name="rule_toggle"),
    path("settlement/", staff.settlement_list, name="settlement"),
    path("settlement/<int:partner_id>/", staff.settlement_detail, name="settlement_detail"),
    path("settlement/<int:partner_id>/statement.xlsx", staff.settlement_xlsx, name="settlement_xlsx"),
    path("settlement/<int:partner_id>/statement.pdf", staff.settlement_pdf, name="settlement_pdf"),
    path("settlement/<int:partner_id>/pay/", staff.settlement_pay, name="settlement_pay"),
    # The provider's side: the partner portal's kitchen and classes, and staff at the desk
    path("kitchen/", kitchen.home, name="kitchen"),
    path("kitchen/meals/new/", kitchen.meal_create, name="kitchen_meal_create"),
    path("kitchen/meals/<int:meal_id>/", kitchen.meal_detail, name="kitchen_meal"),
    path("kitchen/meals/<int:meal_id>/labels.pdf", kitchen.meal_labels, name="kitchen_labels"),
    path("kitchen/meals/<int:meal_id>/no-shows/", kitchen.meal_no_shows, name="kitchen_no_shows"),
    path("kitchen/scan/", kitchen.scan, name="kitchen_scan"),
    path("kitchen/orders/<int:meal_order_id>/hand-over/", kitchen.order_hand_over, name="kitchen_hand_over"),
    path("kitchen/classes/<int:class_item_id>/", kitchen.class_detail, name="kitchen_class"),
    path("kitchen/sessions/<int:class_session_id>/", kitchen.session_detail, name="kitchen_session"),
]

from django.urls import path

from catalog.bench.bare import bare_order, bare_order_min, bare_residents

urlpatterns = [
    path("bare/orders", bare_order),
    path("bare/orders-min", bare_order_min),
    path("bare/residents", bare_residents),
]

from django.urls import path

from catalog.bench.bare import bare_order

urlpatterns = [path("bare/orders", bare_order)]

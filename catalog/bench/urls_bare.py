from django.urls import path

from catalog.bench.bare import bare_order, bare_residents

urlpatterns = [path("bare/orders", bare_order), path("bare/residents", bare_residents)]

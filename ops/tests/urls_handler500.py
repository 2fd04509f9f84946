"""The project's URLs with ``handler500`` pointing at ops (the change asked of linli/urls.py)."""

from linli.urls import handler404, urlpatterns  # noqa: F401

handler500 = "ops.middleware.server_error"

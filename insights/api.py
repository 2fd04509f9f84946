"""The insights JSON API."""

from ninja import Router

router = Router(tags=["insights"])

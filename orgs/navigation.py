"""The staff console's menu, built from what the user may do in the current community.

Each app registers its entries in its AppConfig.ready(); an entry shows only to users who hold
its capability in the community being worked on, so the menu itself never offers a page that
would then refuse them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    cap: str
    order: int = 100
    icon: str = "•"


_ITEMS: list[NavItem] = []


def register(*items: NavItem) -> None:
    for item in items:
        if item not in _ITEMS:
            _ITEMS.append(item)
    _ITEMS.sort(key=lambda i: i.order)


def navigation_for(scope, community) -> list[dict]:
    if community is None:
        return []
    return [
        {"label": item.label, "url": _url(item.url_name, get_script_prefix(), get_urlconf()), "icon": item.icon, "url_name": item.url_name}
        for item in _ITEMS
        if scope.has(item.cap, community.pk)
    ]


@functools.lru_cache(maxsize=512)
def _url(url_name: str, prefix: str, urlconf) -> str:
    """The menu's addresses do not change between requests: reversed once (per script prefix
    and URL configuration, the two things ``reverse`` depends on here)."""
    return reverse(url_name, urlconf=urlconf)


def _forget_urls(*, setting: str, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _url.cache_clear()


setting_changed.connect(_forget_urls)

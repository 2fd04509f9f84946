"""The staff console's menu, built from what the user may do in the current community.

Each app registers its entries in its AppConfig.ready(); an entry shows only to users who hold
its capability in the community being worked on, so the menu itself never offers a page that
would then refuse them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


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
        {"label": item.label, "url": reverse(item.url_name), "icon": item.icon, "url_name": item.url_name}
        for item in _ITEMS
        if scope.has(item.cap, community.pk)
    ]

"""The public catalogue (便民服务清单) of a community: anyone, on a phone, no login."""

from __future__ import annotations

from django.shortcuts import render

from catalog import selectors
from linli import pagecache
from records.models import TargetGroup, Tier

BODY = "catalog/_public_catalogue_body.html"


def _int(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def catalogue(request, community_id: int):
    community = selectors.public_community_get(community_id=community_id)
    query = (request.GET.get("q") or "").strip()[:50]
    category_id = _int(request.GET.get("category"))
    tier = request.GET.get("tier") if request.GET.get("tier") in Tier.values else ""
    group = request.GET.get("group") if request.GET.get("group") in TargetGroup.values else ""
    filtered = bool(query or category_id or tier or group)

    def context() -> dict:
        items = list(
            selectors.public_items(community=community, query=query, category_id=category_id, tier=tier, group=group)
        )
        categories = list(selectors.public_categories(community=community))
        return {
            "community": community,
            "items": items,
            "categories": categories,
            "total": sum(c.n for c in categories),
            "query": query,
            "category_id": category_id,
            "tier": tier,
            "group": group,
            "tiers": Tier.choices,
            "groups": TargetGroup.choices,
            "rules": selectors.public_rules(community=community),
            "filtered": filtered,
        }

    if filtered:  # a search: drawn now, for the one who asked (the page names no time)
        body, drawn_at = pagecache.shared_part("catalogue-search", BODY, context, seconds=0), None
    else:  # the whole catalogue, the same for everyone: drawn at most once a minute
        body = pagecache.public_part(f"catalogue:{community.pk}", BODY, context)
        drawn_at = body.drawn_at
    return render(request, "catalog/public_catalogue.html", {"community": community, "body": body, "drawn_at": drawn_at})


def item_detail(request, catalog_item_id: int):
    item = selectors.public_item_get(item_id=catalog_item_id)
    return render(
        request,
        "catalog/public_item.html",
        {"item": item, "community": item.community, "rules": selectors.public_rules(community=item.community)},
    )

"""The benchmark's baseline: a bare Django view doing the order endpoint's SQL by hand.

The same statements the full endpoint needs at minimum: take the portion with one conditional
UPDATE and insert the order row, in one transaction. No authentication, no scope, no pricing,
no middleware: what is left is Django's request handling and the database.
"""

from __future__ import annotations

import json
import secrets

from django.db import IntegrityError, connection, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def bare_order(request):
    body = json.loads(request.body)
    meal_id, resident_id, user_id = int(body["meal_id"]), int(body["resident_id"]), int(body["user_id"])
    now = timezone.now()
    # As the endpoint does: a pick-up code already used in this meal fails the INSERT, and the
    # whole transaction is tried again with another.
    for _attempt in range(5):
        try:
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(
                    "UPDATE catalog_meal SET portions_left = portions_left - 1 "
                    "WHERE id = %s AND portions_left >= 1 AND cutoff_at > %s",
                    [meal_id, now],
                )
                if cur.rowcount != 1:
                    return HttpResponse(status=409)
                cur.execute("SELECT community_id FROM catalog_meal WHERE id = %s", [meal_id])
                (community_id,) = cur.fetchone()
                _insert(cur, community_id, meal_id, resident_id, user_id, now, request)
            break
        except IntegrityError:
            continue
    return JsonResponse({"ok": True}, status=201)


def _insert(cur, community_id, meal_id, resident_id, user_id, now, request) -> None:
    cur.execute(
        "INSERT INTO catalog_order (community_id, meal_id, partner_id, resident_id, ordered_by_id, quantity,"
        " status, delivery, pickup_code, note, created_at, list_price_fen, amount_fen, price_lines,"
        " payment_state, payment_method, share_fen, idempotency_key)"
        " VALUES (%s, %s, NULL, %s, %s, 1, 'placed', %s, %s, '', %s, 1200, 1200, %s, 'due', 'offline', 0, %s)",
        [
            community_id,
            meal_id,
            resident_id,
            user_id,
            False,
            f"{secrets.randbelow(1_000_000):06d}",
            now,
            "[]",
            request.headers.get("Idempotency-Key"),
        ],
    )


def bare_residents(request):
    """The bare read: a page of a community's residents and the count, as a list page needs,
    in raw SQL and JSON — no session, no scope, no template (``manage.py bench_city``)."""
    community_id = int(request.GET["community"])
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM residents_resident WHERE community_id = %s", [community_id])
        (count,) = cur.fetchone()
        cur.execute(
            "SELECT id, name, unit, room, gender, birth_date FROM residents_resident"
            " WHERE community_id = %s ORDER BY name_pinyin, id LIMIT 25",
            [community_id],
        )
        rows = [[str(v) for v in row] for row in cur.fetchall()]
    return JsonResponse({"count": count, "rows": rows})

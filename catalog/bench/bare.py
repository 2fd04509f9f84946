"""The benchmark's baselines: bare Django views doing the order endpoint's SQL by hand.

``bare_order`` sends the statements the full endpoint sends for one order, in the same order and
reading the same columns, as raw SQL: the session row, the user row, the meal with its item, the
ordering resident, the resident's price groups (tags and worker card), the conditional UPDATE of
the portions and the order INSERT, the last two in one transaction. It does none of the work
around them: no middleware, no session decoding, no authentication or scope, no pricing rules,
no schema — so full / bare is what Django, the middleware and our code cost on top of the same
database work (issue #5: "a bare Django view doing the same SQL").

``bare_order_min`` is the least SQL an order can be: the UPDATE and the INSERT only. The bench
prints it as well, as the floor.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

# The columns the ORM reads for these rows (the endpoint loads whole model instances).
_USER_COLUMNS = (
    "id, password, last_login, is_superuser, username, first_name, last_name, email, is_staff,"
    " is_active, date_joined, phone, phone_hash, display_name"
)
_MEAL_COLUMNS = (
    "m.id, m.community_id, m.item_id, m.serve_date, m.name, m.portions, m.portions_left, m.cutoff_at,"
    " m.pickup_point, m.pickup_start, m.pickup_end, m.no_shows_recorded_at, m.created_by_id, m.created_at,"
    " i.id, i.community_id, i.category_id, i.name, i.description, i.kind, i.provider_kind, i.partner_id,"
    " i.provider_name, i.tier, i.price_fen, i.price_unit, i.room_id, i.place, i.schedule, i.capacity,"
    " i.seats_taken, i.target_groups, i.eligibility, i.cutoff_days_before, i.cutoff_time,"
    " i.delivery_min_age, i.commitment_id, i.is_active, i.sort_order, i.created_at"
)
_RESIDENT_COLUMNS = (
    "id, community_id, grid_id, building_id, unit, room, household_id, name, name_pinyin, name_initials,"
    " id_number, id_number_hash, birth_date, gender, phone, phone_hash, phone_tail_hash, sensitive_tags,"
    " note, user_id, left_on, anonymised_at, created_at, updated_at"
)


@csrf_exempt
def bare_order(request):
    body = json.loads(request.body)
    meal_id, user_id = int(body["meal_id"]), int(body["user_id"])
    now = timezone.now()
    ops = connection.ops  # values as the ORM sends them (SQLite compares text)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT session_key, session_data, expire_date FROM django_session WHERE session_key = %s LIMIT 1",
            [request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")],
        )
        cur.fetchall()
        cur.execute(f"SELECT {_USER_COLUMNS} FROM accounts_user WHERE id = %s LIMIT 1", [user_id])  # nosec B608
        cur.fetchall()
        cur.execute(
            f"SELECT {_MEAL_COLUMNS} FROM catalog_meal m INNER JOIN catalog_item i ON m.item_id = i.id"  # nosec B608
            " WHERE m.id = %s LIMIT 1",
            [meal_id],
        )
        meal = cur.fetchone()
        cur.execute(
            f"SELECT {_RESIDENT_COLUMNS} FROM residents_resident WHERE user_id = %s LIMIT 1",  # nosec B608
            [user_id],
        )
        resident = cur.fetchone()
        if meal is None or resident is None:
            return HttpResponse(status=404)
        resident_id, birth = resident[0], resident[12]
        if isinstance(birth, str):  # SQLite
            birth = dt.date.fromisoformat(birth)
        age = now.year - birth.year
        cur.execute(
            "SELECT t.code AS code FROM residents_vulnerabletag t LEFT OUTER JOIN residents_resident_tags rt"
            " ON t.id = rt.vulnerabletag_id WHERE rt.resident_id = %s OR t.min_age <= %s"
            " UNION SELECT ' worker card' AS code FROM catalog_workercard"
            " WHERE resident_id = %s AND valid_until >= %s",
            [resident_id, age, resident_id, ops.adapt_datefield_value(now.date())],
        )
        cur.fetchall()
    return _take_and_insert(request, meal_id=meal_id, community_id=meal[1], resident_id=resident_id, user_id=user_id)


@csrf_exempt
def bare_order_min(request):
    body = json.loads(request.body)
    meal_id, resident_id, user_id = int(body["meal_id"]), int(body["resident_id"]), int(body["user_id"])
    return _take_and_insert(request, meal_id=meal_id, community_id=None, resident_id=resident_id, user_id=user_id)


def _take_and_insert(request, *, meal_id, community_id, resident_id, user_id):
    now = timezone.now()
    # As the endpoint does: a pick-up code already used in this meal fails the INSERT, and the
    # whole transaction is tried again with another.
    for _attempt in range(5):
        try:
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(
                    "UPDATE catalog_meal SET portions_left = portions_left - 1 "
                    "WHERE id = %s AND portions_left >= 1 AND cutoff_at > %s",
                    [meal_id, connection.ops.adapt_datetimefield_value(now)],
                )
                if cur.rowcount != 1:
                    return HttpResponse(status=409)
                if community_id is None:
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
            connection.ops.adapt_datetimefield_value(now),
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

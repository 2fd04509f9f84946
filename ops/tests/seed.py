"""Data from several apps in a scratch database, and the check that a restore holds all of it.

Run in a subprocess whose environment points the settings at the scratch database and file
directories (``LINLI_SQLITE_PATH`` or ``DATABASE_URL``, ``DJANGO_MEDIA_ROOT``,
``LINLI_PRIVATE_MEDIA_ROOT``): ``python -m ops.tests.seed seed`` prints what it made as JSON,
``python -m ops.tests.seed check '<that JSON>'`` finds every piece of it (exit 1 if not).
"""

from __future__ import annotations

import json
import os
import sys


def seed() -> dict:
    from accounts.models import User
    from catalog.services import order_create, payment_confirm
    from catalog.tests.factories import kitchen
    from fund import services as fund_services
    from fund.tests.conftest import donate, make_fund, pdf, propose, to_approved
    from ledger.models import Posting, Transaction
    from linli.testkit import build_world
    from orgs.scope import Scope
    from snapshots.tests.factories import report

    w = build_world()
    k = kitchen(w, "a", portions=40)
    order = order_create(actor=Scope(w.user("resident_a")), meal=k.meal, resident=w.residents["a1"], quantity=2)
    payment_confirm(actor=Scope(k.clerk), payable=order)
    make_fund(w, "a")
    make_fund(w, "b")  # the writer's, during the backup
    donation = donate(w, "a", 1_000_000)
    request = to_approved(w, propose(w, amount_fen=100_000))
    payment = fund_services.payment_record(
        actor=Scope(w.user("charity_a")),
        request=request,
        amount_fen=60_000,
        line="repairs",
        payee="某五金店",
        memo="感应灯",
        invoice=pdf(),
    )
    snapshot = report(w, "a")
    photo = snapshot.photos.get()
    return {
        "usernames": sorted(User.objects.values_list("username", flat=True)),
        "residents": {key: [r.pk, r.name] for key, r in w.residents.items()},
        "order": [order.pk, order.pickup_code, order.quantity],
        "meal": [k.meal.pk, k.meal.portions],
        "donation": [donation.pk, donation.amount_fen],
        "payment": [payment.pk, payment.amount_fen, payment.transaction_id, payment.invoice.file.name],
        "report": [snapshot.pk, photo.image.name, photo.image.size],
        "transactions": Transaction.objects.count(),
        "postings": Posting.objects.count(),
    }


def check(expected: dict) -> list[str]:
    from accounts.models import User
    from catalog.models import Meal, Order
    from fund.models import Donation, Payment
    from ledger.models import Book, Posting, Transaction
    from ledger.verify import book_verify
    from residents.models import Resident
    from snapshots.models import Report

    problems = []
    found = sorted(User.objects.values_list("username", flat=True))
    if found != expected["usernames"]:
        problems.append(f"users: {found}")
    for key, (pk, name) in expected["residents"].items():
        if not Resident.objects.filter(pk=pk, name=name).exists():
            problems.append(f"resident {key}")
    pk, code, quantity = expected["order"]
    order = Order.objects.filter(pk=pk, pickup_code=code, quantity=quantity, payment_state="paid").first()
    if order is None:
        problems.append("order")
    meal_pk, portions = expected["meal"]
    if Meal.objects.get(pk=meal_pk).portions_left != portions - quantity:
        problems.append("portions")
    if not Donation.objects.filter(pk=expected["donation"][0], amount_fen=expected["donation"][1]).exists():
        problems.append("donation")
    pk, amount, tx, invoice = expected["payment"]
    payment = Payment.objects.filter(pk=pk, amount_fen=amount, transaction_id=tx).first()
    if payment is None or not Transaction.objects.filter(pk=tx).exists():
        problems.append("fund payment or its ledger entry")
    elif payment.invoice.file.name != invoice or not payment.invoice.file.storage.exists(invoice):
        problems.append("invoice file")
    pk, photo_name, size = expected["report"]
    photo = Report.objects.get(pk=pk).photos.get()
    if photo.image.name != photo_name or not photo.image.storage.exists(photo_name) or photo.image.size != size:
        problems.append("snapshot photo")
    else:
        with photo.image.open("rb") as f:
            if f.read(2) != b"\xff\xd8":
                problems.append("snapshot photo is not a JPEG")
    # At least what was seeded: the writer kept adding donations while the backup ran (the
    # restore itself checks the exact figures against the manifest).
    if Transaction.objects.count() < expected["transactions"] or Posting.objects.count() < expected["postings"]:
        problems.append("ledger rows")
    books = list(Book.objects.all())
    if not books or not all(book_verify(book=b).ok for b in books):
        problems.append("a ledger book does not verify")
    return problems


def write(seconds: float) -> int:
    """Keep recording donations to community B's fund, as a running app would, for ``seconds``."""
    import time

    from accounts.models import User
    from fund import services
    from fund.models import Fund
    from orgs.scope import Scope

    fund = Fund.objects.get(community__name="溡源社区")
    actor = Scope(User.objects.get(username="staff_b"))
    n = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        services.donation_record(
            actor=actor, fund=fund, donor_name=f"捐赠人{n}", donor_kind="organisation", amount_fen=100 + n
        )
        if n == 0:
            print("writing", flush=True)
        n += 1
    return n


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    django.setup()
    if sys.argv[1] == "seed":
        print(json.dumps(seed(), ensure_ascii=False))
    elif sys.argv[1] == "write":
        print(write(float(sys.argv[2])))
    else:
        problems = check(json.loads(sys.argv[2]))
        print(json.dumps(problems, ensure_ascii=False))
        sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()

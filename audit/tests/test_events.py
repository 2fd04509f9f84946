"""The audit log: every source writes its event, nothing can change or delete one (the model,
the admin, and the database's own triggers), and auditors see only their communities."""

import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, connection, transaction
from django.test import Client, RequestFactory
from openpyxl import load_workbook

from audit.models import AppendOnly, Event, Kind
from audit.services import record
from fund.tests.conftest import donate, make_fund, pdf, propose, to_approved
from linli.testkit import PASSWORD
from orgs.roles import Role
from orgs.scope import Scope
from orgs.services import role_grant, role_revoke
from residents.models import RevealField
from residents.services import resident_reveal

pytestmark = pytest.mark.django_db


def kinds(after: int = 0) -> list[str]:
    return list(Event.objects.filter(pk__gt=after).order_by("pk").values_list("kind", flat=True))


def last_pk() -> int:
    return Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_log_ins_failures_and_lockouts_are_recorded_with_the_address(world, settings):
    client = Client(REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Mozilla/5.0 MicroMessenger")
    assert client.post("/accounts/login/", {"username": "staff_a", "password": PASSWORD}).status_code == 302
    event = Event.objects.get(kind=Kind.LOGIN)
    assert (event.username, event.ip_address) == ("staff_a", "10.1.2.3") and "MicroMessenger" in event.user_agent
    client.post("/accounts/logout/")
    assert Event.objects.filter(kind=Kind.LOGOUT, username="staff_a").exists()
    other = Client(REMOTE_ADDR="10.9.9.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        other.post("/accounts/login/", {"username": "grid_a1", "password": "wrong-password-1"})
    failures = Event.objects.filter(kind=Kind.LOGIN_FAILED)
    assert failures.count() == settings.AXES_FAILURE_LIMIT
    assert set(failures.values_list("username", flat=True)) == {"grid_a1"}
    assert "wrong-password" not in str(list(Event.objects.values()))  # never the password typed
    assert Event.objects.filter(kind=Kind.LOCKOUT, username="grid_a1", ip_address="10.9.9.9").exists()


def test_role_grants_revocations_password_changes_and_disabling_are_recorded(world):
    user = world.user("resident_a")
    start = last_pk()  # the world's own grants are recorded too
    grant = role_grant(user=user, node=world.community_a, role=Role.COMMUNITY_STAFF)
    role_revoke(grant=grant)
    role_revoke(grant=grant)  # twice: recorded once
    user.set_password("another-Passw0rd")
    user.save()
    user.is_active = False
    user.save()
    assert kinds(after=start) == [Kind.ROLE_GRANTED, Kind.ROLE_REVOKED, Kind.PASSWORD_CHANGED, Kind.ACCOUNT_DISABLED]
    granted = Event.objects.get(kind=Kind.ROLE_GRANTED, pk__gt=start)
    assert granted.community_id == world.community_a.pk and granted.object_id == str(grant.pk)


def test_reveals_and_full_exports_are_recorded_with_the_reason(world):
    staff = Scope(world.user("staff_a"))
    resident = world.residents["a1"]
    resident_reveal(actor=staff, resident=resident, field=RevealField.ID_NUMBER, reason="核对低保材料")
    event = Event.objects.get(kind=Kind.REVEAL)
    assert event.username == "staff_a" and "核对低保材料" in event.summary
    assert event.community_id == world.community_a.pk and resident.id_number not in event.summary


def test_fund_approvals_and_payments_are_recorded(world):
    from fund import services as fund

    make_fund(world, "a")
    donate(world, "a", 300_000)
    request = to_approved(world, propose(world, amount_fen=150_000))
    fund.payment_record(
        actor=Scope(world.user("charity_a")),
        request=request,
        amount_fen=100_000,
        line="repairs",
        payee="临淄某五金店",
        memo="感应灯",
        invoice=pdf(),
    )
    approvals = Event.objects.filter(kind=Kind.APPROVAL, community_id=world.community_a.pk)
    assert {"committee_pass", "charity_approve"} <= {e.summary.split()[0] for e in approvals}
    payment = Event.objects.get(kind=Kind.PAYMENT)
    assert "¥1000.00" in payment.summary and payment.object_id == str(request.pk)


def test_an_event_can_be_neither_changed_nor_deleted_through_the_model_or_the_admin(world):
    event = record(Kind.LOGIN, user=world.user("staff_a"))
    event.summary = "edited"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    request = RequestFactory().get("/admin/")
    request.user = world.user("admin")
    admin = site._registry[Event]
    assert not admin.has_change_permission(request, event)
    assert not admin.has_delete_permission(request, event)
    assert not admin.has_add_permission(request)


def _install_sqlite_triggers():
    import importlib

    migration = importlib.import_module("audit.migrations.0002_append_only_triggers")
    with connection.cursor() as cursor:
        for statement in migration.SQLITE:
            cursor.execute(statement)


def test_the_database_refuses_to_change_or_delete_an_event(world):
    if connection.vendor == "sqlite":
        _install_sqlite_triggers()  # off in the test settings only (SQLite's flush deletes rows)
    event = record(Kind.LOGIN, user=world.user("staff_a"))
    for sql in ("UPDATE audit_event SET summary = 'x' WHERE id = %s", "DELETE FROM audit_event WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(summary="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=event.pk).delete()
    assert Event.objects.get(pk=event.pk).summary == ""


def test_auditors_see_their_communities_and_export_is_recorded(world, login):
    record(Kind.REVEAL, user=world.user("staff_a"), community_id=world.community_a.pk, summary="A 侧")
    record(Kind.REVEAL, user=world.user("staff_b"), community_id=world.community_b.pk, summary="B 侧")
    record(Kind.LOGIN, user=world.user("staff_a"))  # no community: administrators only
    client = login(world.user("auditor_a"))
    page = client.get("/console/audit/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "A 侧" in body and "B 侧" not in body
    api = client.get("/api/v1/audit/events?kind=reveal").json()
    assert [e["summary"] for e in api["items"]] == ["A 侧"]
    export = client.get("/console/audit/events.xlsx?kind=reveal")
    assert export.status_code == 200
    import io

    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][5] == "A 侧"
    assert Event.objects.filter(kind=Kind.AUDIT_EXPORT, username="auditor_a").exists()
    admin = login(world.user("admin"))
    assert {e["summary"] for e in admin.get("/api/v1/audit/events").json()["items"]} >= {"A 侧", "B 侧"}


def test_people_without_audit_rights_get_nothing(world, login):
    client = login(world.user("staff_a"))
    assert client.get("/console/audit/").status_code == 404
    assert client.get("/console/audit/events.xlsx").status_code == 404
    assert client.get("/api/v1/audit/events").status_code == 404


def test_a_bad_date_range_is_a_clear_message_and_shows_nothing_wrong(world, login):
    client = login(world.user("auditor_a"))
    page = client.get("/console/audit/?since=2026-05-01&until=2026-04-01")
    assert page.status_code == 200 and "error" in page.content.decode()

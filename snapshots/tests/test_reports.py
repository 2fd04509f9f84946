import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from linli.errors import Conflict, Forbidden, NotFound, ValidationFailed
from orgs.models import NodeKind, OrgNode
from orgs.roles import Role
from orgs.scope import Scope
from orgs.services import node_create, role_grant
from snapshots import selectors, services
from snapshots.models import Event, EventKind, Photo, PhotoKind, Report, Status
from snapshots.tests.factories import category, jpeg, report

pytestmark = pytest.mark.django_db


def _building_a2(world) -> OrgNode:
    return OrgNode.objects.get(kind=NodeKind.BUILDING, parent=world.grid_a2)


def test_routing_picks_the_grid_worker_of_the_buildings_grid(world):
    # A second grid worker, at the other grid, must not get grid 1's report.
    from accounts.services import user_create

    other = user_create(username="grid_a2", password="x-linli-2026", display_name="二网格员")
    role_grant(user=other, node=world.grid_a2, role=Role.GRID_WORKER)
    r1 = report(world, building=world.building_a1)
    r2 = report(world, building=_building_a2(world))
    assert (r1.grid, r1.assignee) == (world.grid_a1, world.user("grid_a1"))
    assert (r2.grid, r2.assignee) == (world.grid_a2, other)
    routed = Event.objects.get(report=r1, kind=EventKind.ROUTED)
    assert routed.to_user == world.user("grid_a1")


def test_a_grid_without_a_grid_worker_falls_back_to_community_staff(world):
    r = report(world, building=_building_a2(world))
    assert r.grid == world.grid_a2 and r.assignee is None
    staff_queue = selectors.queue_for_user(scope=Scope(world.user("staff_a")))
    assert r in staff_queue
    assert r not in selectors.queue_for_user(scope=Scope(world.user("grid_a1")))


def test_a_zone_on_the_plan_routes_to_its_grid(world):
    zone = services.zone_create(
        actor=Scope(world.user("staff_a")), community=world.community_a, name="北门垃圾房", grid=world.grid_a1,
        x=100, y=100, w=200, h=100,
    )
    r = services.report_create(
        actor=Scope(world.user("nobody")), community=world.community_a, category=category(), zone=zone, photos=[jpeg()]
    )
    assert (r.grid, r.assignee, r.building) == (world.grid_a1, world.user("grid_a1"), None)


def test_a_revoked_grid_worker_gets_nothing(world):
    from orgs.models import RoleGrant

    RoleGrant.objects.filter(user=world.user("grid_a1")).update(revoked_at=timezone.now())
    assert report(world).assignee is None


def test_the_place_must_be_in_the_community(world):
    with pytest.raises(ValidationFailed) as exc:
        report(world, "a", building=world.building_b1)
    assert exc.value.code == "bad_building"
    with pytest.raises(ValidationFailed):
        services.report_create(actor=Scope(world.user("resident_a")), community=world.community_a, category=category(), photos=[jpeg()])
    assert not Report.objects.exists()


def test_one_to_four_photos(world):
    with pytest.raises(ValidationFailed) as exc:
        services.report_create(
            actor=Scope(world.user("resident_a")), community=world.community_a, category=category(),
            building=world.building_a1, photos=[],
        )
    assert exc.value.code == "no_photo"
    with pytest.raises(ValidationFailed) as exc:
        report(world, photos=[jpeg() for _ in range(5)])
    assert exc.value.code == "too_many_photos"
    assert len(report(world, photos=[jpeg() for _ in range(4)]).photos.all()) == 4


def test_stored_photos_lose_their_gps_exif(world):
    r = report(world, photos=[jpeg(gps=True)])
    photo = r.photos.get()
    with photo.image.open("rb") as f:
        data = f.read()
    assert b"Exif" not in data and b"TestPhone" not in data
    assert not Image.open(io.BytesIO(data)).getexif()
    # A random name: nothing in the path says who reported it or lets anyone guess the next one.
    assert re.fullmatch(r"snapshots/\d+/\d{6}/[0-9a-f]{32}\.jpg", photo.image.name), photo.image.name


def test_a_non_image_upload_is_refused_and_nothing_is_kept(world):
    fake = SimpleUploadedFile("垃圾.jpg", b"%PDF-1.4 pretending", content_type="image/jpeg")
    with pytest.raises(ValidationFailed) as exc:
        report(world, photos=[jpeg(), fake])
    assert "垃圾.jpg" in str(exc.value.message) and exc.value.code == "not_an_image"
    assert not Report.objects.exists() and not Photo.objects.exists()


def test_the_same_idempotency_key_gives_the_same_report(world):
    first = report(world, idempotency_key="tap-1")
    again = report(world, idempotency_key="tap-1")
    assert first.pk == again.pk and Report.objects.count() == 1
    assert report(world, idempotency_key="tap-2").pk != first.pk


def test_a_report_cannot_be_closed_without_an_after_photo(world):
    r = report(world)
    grid = Scope(world.user("grid_a1"))
    services.report_accept(actor=grid, report=r)
    with pytest.raises(ValidationFailed) as exc:
        services.report_close(actor=grid, report=r, resolution="已清运")
    assert exc.value.code == "after_photo_required"
    r.refresh_from_db()
    assert r.status == Status.ACCEPTED and r.closed_at is None
    closed = services.report_close(actor=grid, report=r, resolution="已清运", after_photos=[jpeg(gps=True)])
    assert closed.status == Status.CLOSED and closed.closed_at and closed.resolution == "已清运"
    after = closed.photos.get(kind=PhotoKind.AFTER)
    with after.image.open("rb") as f:
        assert b"Exif" not in f.read()
    with pytest.raises(Conflict):
        services.report_close(actor=grid, report=closed, after_photos=[jpeg()])


def test_after_photos_added_first_allow_closing(world):
    r = report(world)
    grid = Scope(world.user("grid_a1"))
    services.after_photo_add(actor=grid, report=r, photos=[jpeg()])
    closed = services.report_close(actor=grid, report=r)
    assert closed.status == Status.CLOSED and closed.accepted_at == closed.closed_at


def test_accept_twice_conflicts(world):
    r = report(world)
    services.report_accept(actor=Scope(world.user("grid_a1")), report=r)
    with pytest.raises(Conflict):
        services.report_accept(actor=Scope(world.user("staff_a")), report=r)


def test_who_may_handle(world):
    r = report(world, building=_building_a2(world))  # grid 2: not grid_a1's
    with pytest.raises(NotFound):
        services.report_accept(actor=Scope(world.user("grid_a1")), report=r)
    with pytest.raises(NotFound):
        services.report_accept(actor=Scope(world.user("staff_b")), report=r)
    with pytest.raises(NotFound):
        services.report_accept(actor=Scope(world.user("resident_a")), report=r)
    with pytest.raises(Forbidden):  # the subdistrict officer sees reports but doesn't handle them
        services.report_accept(actor=Scope(world.user("officer")), report=r)
    assert services.report_accept(actor=Scope(world.user("staff_a")), report=r).assignee == world.user("staff_a")


def test_staff_reassign_to_a_grid_worker_who_then_sees_it(world):
    r = report(world, building=_building_a2(world))
    grid = Scope(world.user("grid_a1"))
    assert r not in selectors.report_list_for_user(scope=grid)
    with pytest.raises(NotFound):
        services.report_reassign(actor=grid, report=r, to_user=world.user("grid_a1"))
    services.report_reassign(actor=Scope(world.user("staff_a")), report=r, to_user=world.user("grid_a1"), note="顺路")
    assert r in selectors.report_list_for_user(scope=grid)
    assert r in selectors.queue_for_user(scope=grid)
    services.report_accept(actor=grid, report=r)
    with pytest.raises(ValidationFailed):
        services.report_reassign(actor=Scope(world.user("staff_a")), report=r, to_user=world.user("resident_a"))
    with pytest.raises(ValidationFailed):
        services.report_reassign(actor=Scope(world.user("staff_a")), report=r, to_user=world.user("staff_b"))


def test_grid_workers_cannot_reassign(world):
    r = report(world)
    with pytest.raises(Forbidden):
        services.report_reassign(actor=Scope(world.user("grid_a1")), report=r, to_user=world.user("staff_a"))


def test_dismiss_needs_a_reason(world):
    r = report(world)
    with pytest.raises(ValidationFailed):
        services.report_dismiss(actor=Scope(world.user("grid_a1")), report=r, reason=" ")
    assert services.report_dismiss(actor=Scope(world.user("grid_a1")), report=r, reason="重复上报").status == Status.DISMISSED


def test_overdue_is_computed_at_read_time_and_escalation_is_recorded_once(world):
    past = timezone.now() - dt.timedelta(days=3)
    late = report(world, now=past)  # rubbish: 24 hours
    fresh = report(world)
    assert late.is_overdue() and not fresh.is_overdue()
    overdue = selectors.report_list_for_user(scope=Scope(world.user("staff_a")), overdue=True)
    assert list(overdue) == [late]
    call_command("snapshots_escalate", stdout=io.StringIO())
    call_command("snapshots_escalate", stdout=io.StringIO())
    late.refresh_from_db()
    assert late.escalated_at is not None
    assert Event.objects.filter(kind=EventKind.ESCALATED).count() == 1
    assert late in selectors.queue_for_user(scope=Scope(world.user("staff_a")))
    assert services.reports_escalate_overdue() == 0


def test_a_closed_report_never_escalates(world):
    r = report(world, now=timezone.now() - dt.timedelta(days=3))
    services.report_close(actor=Scope(world.user("grid_a1")), report=r, after_photos=[jpeg()])
    assert services.reports_escalate_overdue() == 0


def test_lists_are_scoped(world):
    ra = report(world, "a")
    ra2 = report(world, "a", building=_building_a2(world))
    rb = report(world, "b")
    assert set(selectors.report_list_for_user(scope=Scope(world.user("staff_a")))) == {ra, ra2}
    assert set(selectors.report_list_for_user(scope=Scope(world.user("officer")))) == {ra, ra2, rb}
    assert set(selectors.report_list_for_user(scope=Scope(world.user("grid_a1")))) == {ra}
    for name in ("resident_a", "auditor_a", "partner_a", "nobody", "committee_a"):
        assert not selectors.report_list_for_user(scope=Scope(world.user(name))).exists(), name
    assert list(selectors.my_reports(user=world.user("resident_a"))) == [ra2, ra]
    assert list(selectors.my_reports(user=world.user("resident_b"))) == [rb]
    with pytest.raises(NotFound):
        selectors.my_report_get(user=world.user("resident_a"), report_id=rb.pk)
    with pytest.raises(NotFound):
        selectors.report_get_for_user(scope=Scope(world.user("staff_a")), report_id=rb.pk)
    photo_b = rb.photos.get()
    with pytest.raises(NotFound):
        selectors.photo_get_for_user(scope=Scope(world.user("staff_a")), photo_id=photo_b.pk)
    with pytest.raises(NotFound):
        selectors.photo_get_for_reporter(user=world.user("resident_a"), photo_id=photo_b.pk)
    assert selectors.photo_get_for_reporter(user=world.user("resident_b"), photo_id=photo_b.pk) == photo_b


def test_public_stats_count_solved_reports_and_time_to_solve(world):
    start = timezone.now() - dt.timedelta(days=10)
    grid = Scope(world.user("grid_a1"))
    for hours in (2, 4, 6):
        r = report(world, now=start)
        services.report_close(actor=grid, report=r, after_photos=[jpeg()], now=start + dt.timedelta(hours=hours))
    report(world)  # open
    dismissed = report(world)
    services.report_dismiss(actor=grid, report=dismissed, reason="重复")
    stats = selectors.public_stats(community=world.community_a)
    assert (stats.reported, stats.solved, stats.open) == (4, 3, 1)
    assert stats.avg_hours_to_solve == 4.0 and stats.solved_on_time == 3
    assert [(c.name, c.reported, c.solved) for c in stats.by_category] == [("垃圾积存", 4, 3)]
    assert sum(m.reported for m in stats.by_month) == 4 and len(stats.by_month) == 12
    overview = selectors.public_overview()
    assert [(line.community, line.solved) for block in overview for line in block.communities] == [(world.community_a, 3)]


def test_staff_draw_the_plan_grid_workers_cannot(world):
    from snapshots.tests.factories import jpeg as photo

    plan = services.plan_set(actor=Scope(world.user("staff_a")), community=world.community_a, image=photo(size=(300, 200)))
    assert (plan.width, plan.height) == (300, 200)
    with pytest.raises(Forbidden):
        services.plan_set(actor=Scope(world.user("grid_a1")), community=world.community_a, image=photo())
    with pytest.raises(NotFound):
        services.plan_set(actor=Scope(world.user("staff_b")), community=world.community_a, image=photo())
    with pytest.raises(ValidationFailed):
        services.zone_create(
            actor=Scope(world.user("staff_a")), community=world.community_a, name="越界", grid=world.grid_a1, x=900, w=200
        )
    with pytest.raises(ValidationFailed):
        services.zone_create(actor=Scope(world.user("staff_a")), community=world.community_a, name="别人的", grid=world.grid_b1)


def test_new_grid_buildings_route_too(world):
    grid3 = node_create(kind=NodeKind.GRID, name="第三网格", parent=world.community_a)
    building = node_create(kind=NodeKind.BUILDING, name="9号楼", parent=grid3)
    from accounts.services import user_create

    worker = user_create(username="grid_a3", password="x-linli-2026")
    role_grant(user=worker, node=grid3, role=Role.GRID_WORKER)
    assert report(world, building=building).assignee == worker


def test_the_scheduled_task_escalates_what_is_overdue(world):
    from snapshots.tasks import escalate_overdue_reports

    late = report(world, now=timezone.now() - dt.timedelta(days=3))
    assert escalate_overdue_reports.call_local() == 1
    assert escalate_overdue_reports.call_local() == 0
    late.refresh_from_db()
    assert late.escalated_at is not None

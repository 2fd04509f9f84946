"""What linli/tests/test_access_control.py needs to check the snapshots endpoints.

Each side gets, through the services: a community plan with one zone (drawn by that side's
staff), and one open report by that side's resident at the zone, with one photo.
"""

from __future__ import annotations

from dataclasses import dataclass

from linli.testkit import World
from orgs.scope import Scope
from snapshots import services
from snapshots.models import Category, Photo, Report, Zone
from snapshots.tests.factories import jpeg


@dataclass
class Objects:
    zone: Zone
    report: Report
    photo: Photo


def objects(world: World, side: str) -> Objects:
    def make() -> Objects:
        staff = Scope(world.staff(side))
        community = world.community(side)
        grid = world.grid_a1 if side == "a" else world.grid_b1
        label = side.upper()
        services.plan_set(actor=staff, community=community, image=jpeg(size=(400, 300)))
        zone = services.zone_create(
            actor=staff, community=community, name=f"{label}侧北门垃圾房", grid=grid, x=100, y=100, w=300, h=200
        )
        report = services.report_create(
            actor=Scope(world.user(f"resident_{side}")),
            community=community,
            category=Category.objects.get(code="stairwell"),
            zone=zone,
            note=f"{label}侧三单元楼道堆放纸箱",
            photos=[jpeg()],
        )
        return Objects(zone=zone, report=report, photo=report.photos.get())

    return world.once(f"snapshots.objects.{side}", make)


REGISTRY = {
    "snapshot_id": lambda w, s: objects(w, s).report.pk,
    "snapshot_photo_id": lambda w, s: objects(w, s).photo.pk,
    "snapshot_zone_id": lambda w, s: objects(w, s).zone.pk,
}

# Figures per community, the way in for reporters (a QR code at the gate opens it), and the
# community plan: anyone may see these. They never show a report, a photo or a reporter.
PUBLIC_PAGES = {
    "snapshots_public:index",
    "snapshots_public:community",
    "snapshots_public:report",
    "snapshots_public:plan_image",
    "snapshots_public:qr",
}
PUBLIC_OPERATIONS = {
    "GET /api/v1/snapshots/public/overview",
    "GET /api/v1/snapshots/public/communities/{community_id}/stats",
    "GET /api/v1/snapshots/public/communities/{community_id}/places",
}
# A zone's name is drawn on the public plan and listed on the public report form: a public fact.
PUBLIC_MARKERS = {"community B's plan zone"}


def markers(world: World) -> dict[str, str]:
    b = objects(world, "b")
    return {
        b.report.note: "community B report's note",
        b.zone.name: "community B's plan zone",
    }

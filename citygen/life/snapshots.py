"""Snapshot reports (随手拍): one to three a week per community, mostly rubbish and stairwell
clutter, reported by the community's volunteers (riders, couriers, residents), routed to the grid
worker of the building's grid (one per grid, made here when the grid has none). Most are solved
within their category's deadline, with an after-photo; some late (escalated at the deadline, as
the escalation job records), a few dismissed, the most recent still open.

Photos: every report shares one small "before" JPEG and every solved one one "after" JPEG, written
once to the snapshots' private storage: the rows are real, the pictures stand-ins.
"""

from __future__ import annotations

import datetime as dt
import io
import random

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw

from citygen.life.common import World, at, grants_create, insert, person, users_create
from orgs.models import RoleGrant
from orgs.roles import Role
from snapshots.demo import CATEGORY_WEIGHTS, NOTES, RESOLUTIONS
from snapshots.models import Category, Event, EventKind, Photo, PhotoKind, Report, Status
from snapshots.storage import private_storage

DISMISS = ("重复上报，已合并处理", "属业主室内问题，已告知业主自行处理", "不在本社区范围，已转相关部门")
PHOTO_NAMES = {PhotoKind.BEFORE: "snapshots/citygen/before.jpg", PhotoKind.AFTER: "snapshots/citygen/after.jpg"}


def shared_photos() -> dict[str, tuple[str, int, int, int]]:
    """The two stand-in photos, written once: kind → (name, width, height, bytes)."""
    storage = private_storage()
    out = {}
    for kind, name in PHOTO_NAMES.items():
        img = Image.new("RGB", (160, 120), (200, 200, 195) if kind == PhotoKind.AFTER else (120, 110, 90))
        draw = ImageDraw.Draw(img)
        draw.rectangle((0, 85, 160, 120), fill=(170, 170, 165) if kind == PhotoKind.AFTER else (80, 70, 50))
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=60)
        data = buf.getvalue()
        if not storage.exists(name):
            name = storage.save(name, ContentFile(data))
        out[kind] = (name, img.width, img.height, len(data))
    return out


def _grid_workers(world: World) -> dict[int, object]:
    """The grid worker of each grid (snapshots.services.grid_worker_of): the first active grant,
    or a new one for a grid without."""
    have = {}
    for grant in (
        RoleGrant.objects.filter(node_id__in=world.grids, role=Role.GRID_WORKER, revoked_at__isnull=True)
        .select_related("user")
        .order_by("granted_at", "id")
    ):
        have.setdefault(grant.node_id, grant.user)
    missing = [g for g in world.grids if g not in have]
    if missing:
        since = at(world.first - dt.timedelta(days=world.rng.randint(60, 400)), 9)
        users = users_create(world, "grid", [person(world.rng) for _g in missing], joined=since)
        grants_create(
            [
                RoleGrant(user=u, node_id=g, role=Role.GRID_WORKER, title="专职网格员", granted_at=since)
                for u, g in zip(users, missing, strict=True)
            ]
        )
        have.update(zip(missing, users, strict=True))
    return have


def build_snapshots(world: World, *, categories: list[Category], photos: dict) -> dict[str, int]:
    rng, community = world.rng, world.community
    if not world.buildings or not categories:
        return {"snapshot_reports": 0, "snapshot_reports_solved": 0}
    workers = _grid_workers(world)
    reporters = world.users.get("volunteer") or users_create(
        world, "reporter", [person(rng) for _i in range(3)], joined=at(world.first, 8)
    )
    by_code = {c.code: c for c in categories}
    codes = [c for c in CATEGORY_WEIGHTS if c in by_code] or list(by_code)
    weights = [CATEGORY_WEIGHTS.get(c, 1) for c in codes]
    end_dt, now = at(world.end, 0), timezone.now()
    escalation_note = _("Past the deadline: community staff are asked to follow it up.")
    reports, plans = [], []
    for _i in range(max(1, round(world.days * rng.uniform(1, 3) / 7))):
        category = by_code[rng.choices(codes, weights=weights)[0]]
        building, grid = rng.choice(world.buildings)
        created = at(world.day(rng.randrange(world.days)), rng.randint(7, 21), rng.randint(0, 59))
        plan = _outcome(rng, category, created, end_dt, now)
        assignee = workers.get(grid)
        r = Report(
            community_id=community.pk,
            category=category,
            building_id=building,
            grid_id=grid,
            note=rng.choice(NOTES.get(category.code, ["请尽快处理"])),
            reporter=rng.choice(reporters),
            assignee=assignee,
            status=plan["status"],
            due_at=plan["due"],
            accepted_at=plan.get("accepted"),
            closed_at=plan.get("closed"),
            escalated_at=plan.get("escalated"),
            resolution=plan.get("resolution", ""),
            created_at=created,
            updated_at=plan["updated"],
        )
        reports.append(r)
        plans.append(plan)
    reports = insert(reports, Report, when="created_at")
    events, pictures = [], []
    for r, plan in zip(reports, plans, strict=True):
        common = dict(community_id=community.pk, report=r)
        events += [
            Event(**common, kind=EventKind.REPORTED, actor=r.reporter, created_at=r.created_at),
            Event(
                **common,
                kind=EventKind.ROUTED,
                to_user=r.assignee,
                note="专职网格员" if r.assignee else "社区工作人员",
                created_at=r.created_at,
            ),
        ]
        pictures.append(_photo(r, PhotoKind.BEFORE, photos, r.reporter, r.created_at))
        if r.accepted_at:
            events.append(Event(**common, kind=EventKind.ACCEPTED, actor=r.assignee, created_at=r.accepted_at))
        if r.escalated_at:
            events.append(Event(**common, kind=EventKind.ESCALATED, note=escalation_note, created_at=r.escalated_at))
        if r.status == Status.CLOSED:
            pictures.append(_photo(r, PhotoKind.AFTER, photos, r.assignee, r.closed_at))
            events.append(
                Event(**common, kind=EventKind.CLOSED, actor=r.assignee, note=r.resolution, created_at=r.closed_at)
            )
        elif r.status == Status.DISMISSED:
            events.append(
                Event(
                    **common, kind=EventKind.DISMISSED, actor=r.assignee, note=r.resolution, created_at=plan["updated"]
                )
            )
    insert(pictures, Photo)
    insert(events, Event)
    return {
        "snapshot_reports": len(reports),
        "snapshot_reports_solved": sum(1 for r in reports if r.status == Status.CLOSED),
    }


def _outcome(
    rng: random.Random, category: Category, created: dt.datetime, end_dt: dt.datetime, now: dt.datetime
) -> dict:
    """What became of a report by the end of the period."""
    due = created + dt.timedelta(hours=category.deadline_hours)
    plan: dict = {"due": due, "status": Status.NEW, "updated": created}
    # Escalated when the job next ran after the deadline, if the report was still open then.
    escalated = due + dt.timedelta(minutes=rng.randint(1, 15))
    if rng.random() < 0.04:
        dismissed = created + dt.timedelta(hours=rng.uniform(1, 24))
        if dismissed < end_dt:
            plan.update(status=Status.DISMISSED, resolution=rng.choice(DISMISS), updated=dismissed)
            return plan
    accepted = created + dt.timedelta(hours=rng.uniform(0.2, 6))
    # Most within the deadline, one in ten up to half as long again.
    solve = rng.uniform(0.1, 0.9) if rng.random() < 0.9 else rng.uniform(1.0, 1.5)
    # Whole minutes: the dashboards count time to solve in minutes, day by day.
    minutes = max(int((accepted - created).total_seconds() // 60) + 30, int(category.deadline_hours * 60 * solve))
    closed = created + dt.timedelta(minutes=minutes)
    if accepted < end_dt:
        plan.update(status=Status.ACCEPTED, accepted=accepted, updated=accepted)
    if closed < end_dt:
        if escalated < closed:
            plan["escalated"] = escalated
        plan.update(
            status=Status.CLOSED,
            closed=closed,
            updated=closed,
            resolution=rng.choice(RESOLUTIONS.get(category.code, ["已处理"])),
        )
    elif escalated < min(end_dt, now):
        plan.update(escalated=escalated, updated=max(plan["updated"], escalated))
    return plan


def _photo(report: Report, kind: str, photos: dict, user, when: dt.datetime) -> Photo:
    name, width, height, size = photos[kind]
    return Photo(
        community_id=report.community_id,
        report=report,
        kind=kind,
        image=name,
        width=width,
        height=height,
        size=size,
        uploaded_by=user,
        created_at=when,
    )

"""Pages of the spaces app: parse, fetch within scope, call one service, respond."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.errors import DomainError, NotFound, ValidationFailed
from orgs.models import NodeKind, OrgNode
from orgs.roles import Cap
from orgs.selectors import buildings_of
from orgs.views import console_community
from spaces import hours, imports, selectors, services, utilisation
from spaces.forms import BookingForm, CancelForm, ImportUploadForm, MoveForm, RoomForm, SeriesCancelForm
from spaces.models import BookingStatus, HolderKind, ImportStatus, RoomPhoto
from spaces.services._common import aware

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TREND_WEEKS = 8


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _need(request, cap: str):
    community = console_community(request)
    if not request.scope.has(cap, community.pk):
        raise NotFound()
    return community


def _date_param(request, name: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return default


def _period(request, default_kind: str = "week") -> utilisation.Period:
    kind = request.GET.get("period")
    if kind not in utilisation.PERIOD_KINDS:
        kind = default_kind
    return utilisation.period_of(kind, _date_param(request, "date", timezone.localdate()))


def _can_compare(request) -> bool:
    """Someone who sees the rooms of several communities (a subdistrict officer) compares them."""
    return len(request.scope.community_ids(Cap.SPACE_VIEW)) > 1


def _error_text(exc: DomainError) -> str:
    return str(exc.message)


# --- Overview and rooms ------------------------------------------------------------------------------


@login_required
def overview(request):
    """The rooms of the community with this week's utilisation: the figure that matters first."""
    community = _need(request, Cap.SPACE_VIEW)
    rooms = list(selectors.room_list_for_user(scope=request.scope, community=community))
    active = [r for r in rooms if r.is_active]
    today = timezone.localdate()
    this_week = utilisation.usage_table(active, utilisation.period_of("week", today))
    usage_of = {row.room.pk: row.usage for row in this_week.rooms}
    weeks = utilisation.trend(active, utilisation.recent_periods("week", today, TREND_WEEKS))
    month = utilisation.usage_table(active, utilisation.period_of("month", today))
    slots = utilisation.idle_slots(active)
    return render(
        request,
        "spaces/overview.html",
        {
            "community": community,
            "rows": [(room, usage_of.get(room.pk)) for room in rooms],
            "week": this_week,
            "last_week": weeks[-2][1] if len(weeks) > 1 else None,
            "month": month,
            "weeks": weeks,
            "total_m2": sum(r.area_m2 for r in active),
            "idle_hours": round(sum(s.minutes for s in slots) / 60, 1),
            "idle_count": len(slots),
            "can_manage": request.scope.has(Cap.SPACE_MANAGE, community.pk),
            "can_compare": _can_compare(request),
        },
    )


def _room_form(request, community, *, initial=None, photos=()):
    buildings = buildings_of(scope=request.scope, community=community, cap=Cap.SPACE_VIEW)
    return RoomForm(request.POST or None, request.FILES or None, initial=initial, buildings=buildings, photos=photos)


def _fields_from(form: RoomForm, community) -> services.RoomFields:
    d = form.cleaned_data
    building = None
    if d.get("building"):
        building = OrgNode.objects.filter(pk=int(d["building"]), community=community, kind=NodeKind.BUILDING).first()
    return services.RoomFields(
        name=d["name"],
        function=d["function"],
        area_m2=d["area_m2"],
        capacity=d.get("capacity") or 0,
        building=building,
        floor=d.get("floor"),
        facilities=d.get("facilities", ""),
        week=d["week"],
        also_functions=list(d.get("also_functions") or []),
        description=d.get("description", ""),
        is_active=bool(d.get("is_active")),
    )


def _save_photos(request, form: RoomForm, room) -> None:
    d = form.cleaned_data
    if d.get("photo"):
        services.room_photo_add(actor=request.scope, room=room, image=d["photo"], caption=d.get("photo_caption", ""))
    for photo in RoomPhoto.objects.filter(room=room, pk__in=[int(p) for p in d.get("remove_photos") or []]):
        services.room_photo_remove(actor=request.scope, photo=photo)


@login_required
def room_create(request):
    community = _need(request, Cap.SPACE_MANAGE)
    form = _room_form(request, community, initial={"is_active": True, "capacity": 0})
    if request.method == "POST" and form.is_valid():
        try:
            # The room and its first photo together: a refused photo must not leave a room behind
            # that the corrected form would then find already taken.
            with transaction.atomic():
                room = services.room_create(actor=request.scope, community=community, fields=_fields_from(form, community))
                _save_photos(request, form, room)
        except DomainError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("%(name)s has been added.") % {"name": room.name})
            return redirect("spaces:room_detail", room_id=room.pk)
    return render(request, "spaces/room_form.html", {"form": form, "community": community, "creating": True})


@login_required
def room_edit(request, room_id: int):
    room = selectors.room_get_for_user(scope=request.scope, room_id=room_id, cap=Cap.SPACE_MANAGE)
    photos = list(room.photos.all())
    form = _room_form(request, room.community, initial=RoomForm.initial_for(room), photos=photos)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.room_update(actor=request.scope, room=room, fields=_fields_from(form, room.community))
                _save_photos(request, form, room)
        except DomainError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("spaces:room_detail", room_id=room.pk)
    return render(request, "spaces/room_form.html", {"form": form, "community": room.community, "room": room})


@login_required
def room_detail(request, room_id: int):
    room = selectors.room_get_for_user(scope=request.scope, room_id=room_id)
    today = timezone.localdate()
    now = timezone.now()
    upcoming = list(
        selectors.booking_list_for_user(scope=request.scope, community=room.community, room=room, start=now)[:20]
    )
    week = utilisation.usage_table([room], utilisation.period_of("week", today)).total
    month = utilisation.usage_table([room], utilisation.period_of("month", today)).total
    return render(
        request,
        "spaces/room_detail.html",
        {
            "room": room,
            "community": room.community,
            "upcoming": upcoming,
            "week_usage": week,
            "month_usage": month,
            "slots": utilisation.idle_slots([room]) if room.is_active else [],
            "can_manage": request.scope.has(Cap.SPACE_MANAGE, room.community_id),
        },
    )


@login_required
def room_calendar(request, room_id: int):
    """One week of a room: opening hours, bookings and the free blocks in between."""
    room = selectors.room_get_for_user(scope=request.scope, room_id=room_id)
    period = utilisation.period_of("week", _date_param(request, "week", timezone.localdate()))
    start, end = period.bounds()
    bookings = list(
        selectors.booking_list_for_user(
            scope=request.scope, community=room.community, room=room, start=start, end=end, include_cancelled=True
        )
    )
    week = room.week
    now = timezone.localtime()
    days = []
    for day in period.days:
        on_day = [b for b in bookings if timezone.localtime(b.starts_at).date() == day]
        booked = utilisation.booked_by_day([b for b in on_day if b.status == BookingStatus.BOOKED]).get(day, [])
        free = [
            (hours.hhmm(a), hours.hhmm(b))
            for a, b in utilisation.free_intervals(week[day.weekday()], booked)
            if b - a >= 30 and aware(day, b) > now
        ]
        days.append(
            {
                "date": day,
                "weekday": hours.WEEKDAY_NAMES[day.weekday()],
                "periods": [hours.period_text(p) for p in week[day.weekday()]],
                "bookings": on_day,
                "free": free,
                "is_today": day == now.date(),
            }
        )
    return render(
        request,
        "spaces/room_calendar.html",
        {
            "room": room,
            "community": room.community,
            "period": period,
            "days": days,
            "usage": utilisation.usage_table([room], period, {room.pk: [b for b in bookings if not b.is_cancelled]}).total,
            "can_manage": request.scope.has(Cap.SPACE_MANAGE, room.community_id),
        },
    )


# --- Bookings ----------------------------------------------------------------------------------------


def _at(day: dt.date, moment: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, moment))


@login_required
def booking_create(request, room_id: int):
    room = selectors.room_get_for_user(scope=request.scope, room_id=room_id, cap=Cap.SPACE_MANAGE)
    initial = {"repeat": BookingForm.ONCE, "holder_kind": HolderKind.ACTIVITY}
    for name in ("date", "start", "end"):
        if request.GET.get(name):
            initial[name] = request.GET[name]
    form = BookingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        holder = {"holder_kind": d["holder_kind"], "holder_id": None, "holder_name": d["holder_name"], "title": d["title"]}
        try:
            if d["repeat"] == BookingForm.WEEKLY:
                series = services.booking_series_create(
                    actor=request.scope, room=room, weekdays=[int(w) for w in d["weekdays"]], start_time=d["start"],
                    end_time=d["end"], first_date=d["first_date"], last_date=d["last_date"], **holder,
                )
                messages.success(
                    request, _("Booked %(n)s dates of %(room)s.") % {"n": series.bookings.count(), "room": room.name}
                )
                return redirect("spaces:series_detail", series_id=series.pk)
            booking = services.booking_create(
                actor=request.scope, room=room, starts_at=_at(d["date"], d["start"]), ends_at=_at(d["date"], d["end"]),
                **holder,
            )
        except DomainError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("%(room)s is booked.") % {"room": room.name})
            return redirect("spaces:booking_detail", booking_id=booking.pk)
    return render(request, "spaces/booking_form.html", {"form": form, "room": room, "community": room.community})


@login_required
def booking_list(request):
    community = _need(request, Cap.SPACE_VIEW)
    rooms = list(selectors.room_list_for_user(scope=request.scope, community=community))
    room = next((r for r in rooms if str(r.pk) == request.GET.get("room")), None)
    start_day = _date_param(request, "from", timezone.localdate())
    qs = selectors.booking_list_for_user(
        scope=request.scope,
        community=community,
        start=_at(start_day, dt.time()),
        room=room,
        holder_kind=request.GET.get("holder_kind", ""),
        include_cancelled=request.GET.get("cancelled") == "1",
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "spaces/booking_list.html",
        {
            "community": community,
            "page": page,
            "rooms": rooms,
            "room": room,
            "from_day": start_day,
            "holder_kinds": HolderKind.choices,
            "can_manage": request.scope.has(Cap.SPACE_MANAGE, community.pk),
        },
    )


@login_required
def booking_detail(request, booking_id: int):
    booking = selectors.booking_get_for_user(scope=request.scope, booking_id=booking_id)
    history = list(booking.history.select_related("history_user").order_by("-history_date")[:20])
    now = timezone.now()
    return render(
        request,
        "spaces/booking_detail.html",
        {
            "b": booking,
            "community": booking.room.community,
            "history": history,
            "can_manage": request.scope.has(Cap.SPACE_MANAGE, booking.community_id),
            "can_cancel": booking.status == BookingStatus.BOOKED and booking.ends_at > now,
            "can_move": booking.status == BookingStatus.BOOKED and booking.starts_at > now,
            "cancel_form": CancelForm(),
        },
    )


@login_required
@require_POST
def booking_cancel(request, booking_id: int):
    booking = selectors.booking_get_for_user(scope=request.scope, booking_id=booking_id, cap=Cap.SPACE_MANAGE)
    form = CancelForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(_("Say why the booking is cancelled."), code="no_reason")
    services.booking_cancel(actor=request.scope, booking=booking, reason=form.cleaned_data["reason"])
    messages.success(request, _("The booking is cancelled; the time is free again."))
    return redirect("spaces:booking_detail", booking_id=booking.pk)


@login_required
def booking_move(request, booking_id: int):
    booking = selectors.booking_get_for_user(scope=request.scope, booking_id=booking_id, cap=Cap.SPACE_MANAGE)
    rooms = list(
        selectors.room_list_for_user(
            scope=request.scope, community=booking.room.community, include_inactive=False, cap=Cap.SPACE_MANAGE
        )
    )
    start, end = timezone.localtime(booking.starts_at), timezone.localtime(booking.ends_at)
    initial = {"room": str(booking.room_id), "date": start.date(), "start": start.time(), "end": end.time()}
    form = MoveForm(request.POST or None, initial=initial, rooms=rooms)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        target = next(r for r in rooms if str(r.pk) == d["room"])
        try:
            services.booking_move(
                actor=request.scope, booking=booking, starts_at=_at(d["date"], d["start"]),
                ends_at=_at(d["date"], d["end"]), room=target,
            )
        except DomainError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("The booking has been moved."))
            return redirect("spaces:booking_detail", booking_id=booking.pk)
    return render(request, "spaces/booking_move.html", {"form": form, "b": booking, "community": booking.room.community})


@login_required
def series_detail(request, series_id: int):
    series = selectors.series_get_for_user(scope=request.scope, series_id=series_id)
    occurrences = list(series.bookings.order_by("starts_at"))
    return render(
        request,
        "spaces/series_detail.html",
        {
            "s": series,
            "community": series.room.community,
            "occurrences": occurrences,
            "booked": sum(1 for b in occurrences if b.status == BookingStatus.BOOKED),
            "can_manage": request.scope.has(Cap.SPACE_MANAGE, series.community_id),
            "can_cancel": any(b.status == BookingStatus.BOOKED and b.starts_at > timezone.now() for b in occurrences),
            "form": SeriesCancelForm(),
        },
    )


@login_required
@require_POST
def series_cancel(request, series_id: int):
    series = selectors.series_get_for_user(scope=request.scope, series_id=series_id, cap=Cap.SPACE_MANAGE)
    form = SeriesCancelForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(_("Say why the booking is cancelled."), code="no_reason")
    series = services.booking_series_cancel(
        actor=request.scope, series=series, reason=form.cleaned_data["reason"], from_date=form.cleaned_data["from_date"]
    )
    messages.success(request, _("%(n)s dates cancelled.") % {"n": series.cancelled_count})
    return redirect("spaces:series_detail", series_id=series.pk)


# --- Import and export ---------------------------------------------------------------------------------


@login_required
def room_export(request):
    community = _need(request, Cap.SPACE_VIEW)
    rooms = list(selectors.room_list_for_user(scope=request.scope, community=community))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return _xlsx(imports.rooms_workbook(rooms=rooms, community=community), f"rooms-{community.pk}-{stamp}.xlsx")


@login_required
def import_upload(request):
    community = _need(request, Cap.SPACE_MANAGE)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = imports.import_preview(actor=request.scope, community=community, data=upload.read(), filename=upload.name)
        except ValidationFailed as exc:
            form.add_error("file", _error_text(exc))
        else:
            return redirect("spaces:import_preview", room_import_id=batch.pk)
    return render(request, "spaces/import.html", {"form": form, "community": community})


@login_required
def import_template(request):
    community = _need(request, Cap.SPACE_MANAGE)
    return _xlsx(imports.template_workbook(community), "rooms-template.xlsx")


@login_required
def import_preview(request, room_import_id: int):
    batch = selectors.room_import_get_for_user(scope=request.scope, import_id=room_import_id)
    return render(
        request,
        "spaces/import_preview.html",
        {
            "batch": batch,
            "community": batch.community,
            "bad": [r for r in batch.rows if r["errors"]],
            "good": [r for r in batch.rows if not r["errors"]][:50],
            "creates": sum(1 for r in batch.rows if r["clean"].get("action") == "create"),
            "updates": sum(1 for r in batch.rows if r["clean"].get("action") == "update"),
            "is_open": batch.status == ImportStatus.PREVIEW,
        },
    )


@login_required
@require_POST
def import_confirm(request, room_import_id: int):
    batch = selectors.room_import_get_for_user(scope=request.scope, import_id=room_import_id)
    if request.POST.get("action") == "discard":
        imports.import_discard(actor=request.scope, batch=batch)
        messages.info(request, _("The file was discarded; nothing was imported."))
        return redirect("spaces:import")
    try:
        batch = imports.import_commit(actor=request.scope, batch=batch)
    except ValidationFailed as exc:
        messages.error(request, _error_text(exc))
        return redirect("spaces:import_preview", room_import_id=batch.pk)
    messages.success(request, _("%(n)s rooms imported.") % {"n": batch.imported_count})
    return redirect("spaces:overview")


@login_required
def import_errors(request, room_import_id: int):
    batch = selectors.room_import_get_for_user(scope=request.scope, import_id=room_import_id)
    return _xlsx(imports.error_report(batch), f"room-import-{batch.pk}-errors.xlsx")


# --- Report, utilisation, comparison -----------------------------------------------------------------


@login_required
def space_report(request):
    community = _need(request, Cap.SPACE_VIEW)
    period = _period(request, default_kind="month")
    report = selectors.space_report(scope=request.scope, community=community, period=period)
    return render(
        request,
        "spaces/report.html",
        {
            "community": community,
            "r": report,
            "period": period,
            "kinds": utilisation.PERIOD_KINDS,
            "can_compare": _can_compare(request),
        },
    )


@login_required
def utilisation_page(request):
    community = _need(request, Cap.SPACE_VIEW)
    period = _period(request)
    rooms = list(selectors.room_list_for_user(scope=request.scope, community=community, include_inactive=False))
    bookings = utilisation.bookings_by_room(rooms, *period.bounds())
    table = utilisation.usage_table(rooms, period, bookings)
    today = timezone.localdate()
    trend_kind = period.kind
    return render(
        request,
        "spaces/utilisation.html",
        {
            "community": community,
            "period": period,
            "kinds": utilisation.PERIOD_KINDS,
            "table": table,
            "heat": utilisation.heatmap(rooms, period, bookings),
            "trend": utilisation.trend(rooms, utilisation.recent_periods(trend_kind, today, 8 if trend_kind == "week" else 6)),
            "slots": utilisation.idle_slots(rooms),
            "can_compare": _can_compare(request),
            "can_manage": request.scope.has(Cap.SPACE_MANAGE, community.pk),
        },
    )


@login_required
def compare(request):
    """Communities side by side: what a subdistrict officer looks at."""
    community = _need(request, Cap.SPACE_VIEW)
    period = _period(request)
    groups = selectors.communities_compared(scope=request.scope, period=period)
    return render(
        request,
        "spaces/compare.html",
        {"community": community, "period": period, "kinds": utilisation.PERIOD_KINDS, "groups": groups},
    )


# --- Public -----------------------------------------------------------------------------------------


def public_community(request, community_id: int):
    """Rooms of a community and when they are free: public facts, no holder of any booking."""
    community = selectors.public_community(community_id=community_id)
    rooms = selectors.public_rooms(community=community)
    slots = utilisation.idle_slots(rooms)
    by_room: dict[int, list] = {room.pk: [] for room in rooms}
    for slot in slots:
        by_room[slot.room.pk].append(slot)
    return render(
        request,
        "spaces/public_community.html",
        {
            "community": community,
            "rows": [(room, by_room[room.pk][:12], len(by_room[room.pk])) for room in rooms],
            "total_m2": sum(r.area_m2 for r in rooms),
        },
    )

"""Reads of partners' records, always inside what the asker may see.

Two kinds of people read them:

* community staff, by capability in the community (``Cap.PARTNER_VIEW`` / ``PARTNER_MANAGE``),
  through ``scope.filter``;
* a partner's own staff (``Cap.PARTNER_PORTAL``), who see **only the partners they are members
  of** — ``partner_ids_for_user`` is the one place that answers which, and every portal query
  goes through it. A partner user of partner X gets a 404 for partner Y even in the same
  community.

Public pages read through the ``public_*`` functions, which return only what a partner has
agreed to publish (name, kind, services, commitments) and never contact details.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.errors import NotFound
from orgs.models import NodeKind, OrgNode
from orgs.roles import Cap
from orgs.scope import Scope
from partners.models import (
    Agreement,
    AgreementSlot,
    AgreementStatus,
    Application,
    ApplicationDocument,
    ApplicationStatus,
    CallStatus,
    Commitment,
    CommitmentEntry,
    CommitmentPeriod,
    ContactReveal,
    Evaluation,
    Partner,
    PartnerMember,
    PartnerStatus,
    RecruitmentCall,
    ServiceRating,
    StatusChange,
)

# --- Who may see which partner ---------------------------------------------------------------


def partner_ids_for_user(scope: Scope) -> frozenset[int]:
    """Partners whose portal this user may open: those they are a member of, in communities where
    they still hold ``Cap.PARTNER_PORTAL`` (a revoked grant closes the portal at once).

    Cached on the scope, which lives for one request."""
    ids = getattr(scope, "_partner_ids", None)
    if ids is None:
        ids = frozenset()
        if scope.is_authenticated:
            ids = frozenset(
                PartnerMember.objects.filter(
                    user=scope.user, community_id__in=scope.community_ids(Cap.PARTNER_PORTAL)
                ).values_list("partner_id", flat=True)
            )
        scope._partner_ids = ids
    return ids


def _visible(qs: QuerySet, scope: Scope, cap: str, *, portal: bool, partner_field: str = "partner_id") -> QuerySet:
    """Rows staff may see with ``cap``, plus (``portal``) rows of the user's own partners."""
    # PARTNER_PORTAL is held at community level but reaches only the member's own partner:
    # filtering by it here would hand partner staff every partner of their community.
    if cap == Cap.PARTNER_PORTAL:
        raise ValueError("portal access goes through partner_ids_for_user, not a capability filter")
    staff = scope.filter(qs, cap)
    if not portal:
        return staff
    own = partner_ids_for_user(scope)
    if not own:
        return staff
    return staff | qs.filter(**{f"{partner_field}__in": own})


def _one(qs: QuerySet, pk: int):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


# --- Recruitment calls and applications (staff) -----------------------------------------------


def call_list_for_user(*, scope: Scope, community: OrgNode, status: str = "") -> QuerySet[RecruitmentCall]:
    qs = scope.filter(RecruitmentCall.objects.filter(community=community), Cap.PARTNER_VIEW)
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(
        n_applications=Count("applications"),
        n_waiting=Count("applications", filter=Q(applications__status=ApplicationStatus.SUBMITTED)),
    ).order_by("-created_at")


def call_get_for_user(*, scope: Scope, call_id: int, cap: str = Cap.PARTNER_VIEW) -> RecruitmentCall:
    return _one(scope.filter(RecruitmentCall.objects.select_related("community"), cap), call_id)


def application_list_for_user(
    *, scope: Scope, community: OrgNode, status: str = "", call: RecruitmentCall | None = None
) -> QuerySet[Application]:
    qs = scope.filter(Application.objects.filter(community=community), Cap.PARTNER_VIEW)
    if status:
        qs = qs.filter(status=status)
    if call is not None:
        qs = qs.filter(call=call)
    return qs.select_related("call").annotate(n_documents=Count("documents")).order_by("-created_at")


def application_get_for_user(*, scope: Scope, application_id: int, cap: str = Cap.PARTNER_VIEW) -> Application:
    qs = Application.objects.select_related("community", "call", "reviewed_by")
    return _one(scope.filter(qs, cap), application_id)


def document_get_for_user(*, scope: Scope, document_id: int) -> ApplicationDocument:
    return _one(scope.filter(ApplicationDocument.objects.select_related("application"), Cap.PARTNER_VIEW), document_id)


# --- Partners --------------------------------------------------------------------------------


def partner_list_for_user(
    *, scope: Scope, community: OrgNode, status: str = "", kind: str = "", query: str = ""
) -> QuerySet[Partner]:
    qs = scope.filter(Partner.objects.filter(community=community), Cap.PARTNER_VIEW)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    query = (query or "").strip()
    if query:
        qs = qs.filter(Q(name__contains=query) | Q(services__contains=query))
    return qs.annotate(
        n_agreements=Count("agreements", filter=Q(agreements__status=AgreementStatus.SIGNED), distinct=True)
    ).order_by("status", "name")


def partner_get_for_user(
    *, scope: Scope, partner_id: int, cap: str = Cap.PARTNER_VIEW, portal: bool = False
) -> Partner:
    """A partner by id: staff with ``cap`` in its community, or (``portal``) one of its own staff."""
    qs = Partner.objects.select_related("community", "application")
    return _one(_visible(qs, scope, cap, portal=portal, partner_field="id"), partner_id)


def member_list(*, partner: Partner) -> QuerySet[PartnerMember]:
    """The partner's staff; the caller has already fetched ``partner`` through a scoped selector."""
    return partner.members.select_related("user").order_by("role", "created_at")


def member_get_for_user(*, scope: Scope, member_id: int) -> PartnerMember:
    return _one(scope.filter(PartnerMember.objects.select_related("partner", "user"), Cap.PARTNER_MANAGE), member_id)


def partner_log(*, partner: Partner) -> QuerySet[StatusChange]:
    """The partner's file: its application's steps, then its own, its agreements' and evaluations'."""
    q = Q(partner=partner)
    if partner.application_id:
        q |= Q(entity="application", object_id=partner.application_id)
    return StatusChange.objects.filter(q, community_id=partner.community_id).select_related("actor")


def subject_log(*, community_id: int, entity: str, object_id: int) -> QuerySet[StatusChange]:
    return StatusChange.objects.filter(community_id=community_id, entity=entity, object_id=object_id).select_related(
        "actor"
    )


def contact_reveals(*, community_id: int, entity: str, object_id: int) -> QuerySet[ContactReveal]:
    return ContactReveal.objects.filter(community_id=community_id, entity=entity, object_id=object_id).select_related(
        "actor"
    )


# --- Agreements and commitments --------------------------------------------------------------


def agreement_list_for_user(
    *, scope: Scope, community: OrgNode, status: str = "", partner: Partner | None = None
) -> QuerySet[Agreement]:
    qs = scope.filter(Agreement.objects.filter(community=community), Cap.PARTNER_VIEW)
    if status:
        qs = qs.filter(status=status)
    if partner is not None:
        qs = qs.filter(partner=partner)
    return (
        qs.select_related("partner")
        .prefetch_related(Prefetch("slots", queryset=AgreementSlot.objects.select_related("room")))
        .annotate(n_commitments=Count("commitments"))
        .order_by("-starts_on", "-pk")
    )


def agreement_get_for_user(
    *, scope: Scope, agreement_id: int, cap: str = Cap.PARTNER_VIEW, portal: bool = False
) -> Agreement:
    qs = Agreement.objects.select_related("community", "partner", "renews", "signed_by")
    return _one(_visible(qs, scope, cap, portal=portal), agreement_id)


def commitment_get_for_user(
    *, scope: Scope, commitment_id: int, cap: str = Cap.PARTNER_VIEW, portal: bool = False
) -> Commitment:
    qs = Commitment.objects.select_related("agreement", "partner", "community")
    return _one(_visible(qs, scope, cap, portal=portal), commitment_id)


def commitment_entries(*, commitment: Commitment) -> QuerySet[CommitmentEntry]:
    return commitment.entries.select_related("recorded_by").order_by("-occurred_on", "-pk")


# --- Commitment progress ---------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, kept inside the month (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


_PERIOD_MONTHS = {CommitmentPeriod.MONTH: 1, CommitmentPeriod.QUARTER: 3, CommitmentPeriod.YEAR: 12}


def commitment_period(commitment: Commitment, agreement: Agreement, on: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the commitment that contains ``on``.

    Periods are counted from the agreement's start date (an agreement starting on 15 March has
    months 15 March–14 April, …), so "10 free activities a year" means per agreement year, and
    are clipped to the term. A day before the term falls in the first period, one after it in
    the last."""
    start, end = agreement.starts_on, agreement.ends_on
    if commitment.period == CommitmentPeriod.TERM:
        return start, end
    step = _PERIOD_MONTHS[commitment.period]
    day = min(max(on, start), end)
    months = (day.year - start.year) * 12 + day.month - start.month
    n = months // step
    period_start = add_months(start, n * step)
    if period_start > day:
        n -= 1
        period_start = add_months(start, n * step)
    period_end = add_months(start, (n + 1) * step) - dt.timedelta(days=1)
    return period_start, min(period_end, end)


@dataclass(frozen=True)
class CommitmentProgress:
    commitment: Commitment
    period_start: dt.date
    period_end: dt.date
    done: int  # in the current period
    term_done: int  # over the whole term so far
    target: int  # per period
    elapsed: float  # share of the current period that has passed, 0–1

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.target)) if self.target else 100

    @property
    def met(self) -> bool:
        return self.done >= self.target

    @property
    def behind(self) -> bool:
        """Less done than the share of the period gone by would need (even pace)."""
        return not self.met and self.done < self.target * self.elapsed


def _progress(commitment: Commitment, agreement: Agreement, rows: Iterable[tuple[dt.date, int]], on: dt.date):
    period_start, period_end = commitment_period(commitment, agreement, on)
    done = term_done = 0
    for day, quantity in rows:
        if agreement.starts_on <= day <= agreement.ends_on:
            term_done += quantity
            if period_start <= day <= period_end:
                done += quantity
    days = (period_end - period_start).days + 1
    passed = (min(max(on, period_start), period_end) - period_start).days + 1 if on >= period_start else 0
    return CommitmentProgress(
        commitment=commitment,
        period_start=period_start,
        period_end=period_end,
        done=done,
        term_done=term_done,
        target=commitment.target,
        elapsed=min(1.0, passed / days) if days else 1.0,
    )


def commitment_progress(commitment: Commitment, *, on: dt.date | None = None) -> CommitmentProgress:
    """How far a commitment is in its current period (and over the term).

    Progress is the sum of the commitment's ``CommitmentEntry`` rows: staff and partners record
    them today; a service-records app feeds them later through
    ``partners.services.commitment_entry_record(..., source_type=…, source_id=…)``."""
    on = on or timezone.localdate()
    rows = commitment.entries.values_list("occurred_on", "quantity")
    return _progress(commitment, commitment.agreement, rows, on)


def commitments_progress(commitments: Iterable[Commitment], *, on: dt.date | None = None) -> list[CommitmentProgress]:
    """``commitment_progress`` for many commitments with one query (for lists and the portal).
    The commitments should come with ``select_related("agreement")``."""
    on = on or timezone.localdate()
    commitments = list(commitments)
    by_commitment: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    rows = CommitmentEntry.objects.filter(commitment__in=commitments).values_list(
        "commitment_id", "occurred_on", "quantity"
    )
    for commitment_id, day, quantity in rows:
        by_commitment[commitment_id].append((day, quantity))
    return [_progress(c, c.agreement, by_commitment[c.pk], on) for c in commitments]


# --- Evaluations and ratings -----------------------------------------------------------------


def evaluation_list(*, partner: Partner) -> QuerySet[Evaluation]:
    return partner.evaluations.select_related("evaluated_by", "agreement").order_by("-period_end", "-pk")


@dataclass(frozen=True)
class RatingSummary:
    average: float | None
    count: int

    @property
    def average_x100(self) -> int | None:
        return None if self.average is None else round(self.average * 100)


def rating_summary(*, partner: Partner, start: dt.date | None = None, end: dt.date | None = None) -> RatingSummary:
    """Residents' ratings of the partner, optionally for the months from ``start`` to ``end``."""
    qs = ServiceRating.objects.filter(partner=partner)
    if start is not None:
        qs = qs.filter(month__gte=start.replace(day=1))
    if end is not None:
        qs = qs.filter(month__lte=end)
    row = qs.aggregate(average=Avg("score"), count=Count("id"))
    return RatingSummary(average=row["average"], count=row["count"])


def rating_list(*, partner: Partner) -> QuerySet[ServiceRating]:
    """For staff: scores and comments, never the rater's identity on the page."""
    return partner.ratings.order_by("-created_at")


# --- The partner portal ----------------------------------------------------------------------


def portal_partners(*, scope: Scope) -> QuerySet[Partner]:
    """The partners this user works for (only those)."""
    return Partner.objects.filter(id__in=partner_ids_for_user(scope)).select_related("community").order_by("name")


def _portal(scope: Scope, qs: QuerySet) -> QuerySet:
    """The user's own partners' rows; a platform administrator (support) reaches any."""
    if scope.is_platform_admin:
        return qs
    return qs.filter(partner_id__in=partner_ids_for_user(scope))


def portal_agreement_get(*, scope: Scope, agreement_id: int) -> Agreement:
    qs = _portal(scope, Agreement.objects.exclude(status=AgreementStatus.CANCELLED))
    return _one(qs.select_related("community", "partner", "renews"), agreement_id)


def portal_commitment_get(*, scope: Scope, commitment_id: int) -> Commitment:
    qs = _portal(
        scope, Commitment.objects.filter(agreement__status__in=(AgreementStatus.SIGNED, AgreementStatus.TERMINATED))
    )
    return _one(qs.select_related("agreement", "partner", "community"), commitment_id)


def portal_agreements(*, scope: Scope, partner: Partner) -> QuerySet[Agreement]:
    if partner.pk not in partner_ids_for_user(scope):
        raise NotFound()
    return (
        partner.agreements.exclude(status=AgreementStatus.CANCELLED)
        .select_related("partner")
        .order_by("-starts_on", "-pk")
    )


def portal_commitments(*, scope: Scope, partner: Partner) -> QuerySet[Commitment]:
    if partner.pk not in partner_ids_for_user(scope):
        raise NotFound()
    return (
        Commitment.objects.filter(partner=partner, agreement__status=AgreementStatus.SIGNED)
        .select_related("agreement")
        .order_by("agreement__starts_on", "sort_order", "pk")
    )


# --- Public pages ----------------------------------------------------------------------------

PUBLIC_PARTNER_STATUSES = (PartnerStatus.ACTIVE,)
PUBLIC_CALL_STATUSES = (CallStatus.OPEN, CallStatus.CLOSED)


def public_community_get(*, community_id: int) -> OrgNode:
    community = OrgNode.objects.filter(pk=community_id, kind=NodeKind.COMMUNITY).select_related("parent").first()
    if community is None:
        raise NotFound()
    return community


def public_partner_counts() -> dict[int, int]:
    """Active partners per community id (communities without any are absent)."""
    rows = (
        Partner.objects.filter(status__in=PUBLIC_PARTNER_STATUSES)
        .values("community_id")
        .annotate(n=Count("id"))
        .values_list("community_id", "n")
    )
    return dict(rows)


def public_partners(*, community: OrgNode) -> QuerySet[Partner]:
    return (
        Partner.objects.filter(community=community, status__in=PUBLIC_PARTNER_STATUSES)
        .only("id", "community_id", "name", "kind", "party_type", "services", "description", "status")
        .order_by("kind", "name")
    )


def public_partner_get(*, partner_id: int) -> Partner:
    partner = (
        Partner.objects.filter(pk=partner_id, status__in=PUBLIC_PARTNER_STATUSES)
        .select_related("community")
        .only("id", "community", "name", "kind", "party_type", "services", "description", "status")
        .first()
    )
    if partner is None:
        raise NotFound()
    return partner


def public_commitments(*, partner: Partner) -> list[CommitmentProgress]:
    """Commitments of agreements in force: public, because residents are their beneficiaries."""
    today = timezone.localdate()
    commitments = Commitment.objects.filter(
        partner=partner,
        agreement__status=AgreementStatus.SIGNED,
        agreement__starts_on__lte=today,
        agreement__ends_on__gte=today,
    ).select_related("agreement")
    return commitments_progress(commitments, on=today)


def resident_may_rate(*, user, partner: Partner) -> bool:
    """Residents of the partner's own community rate it (they are the ones it serves)."""
    from residents.models import Resident

    return (
        bool(user and user.is_authenticated)
        and Resident.objects.filter(user=user, community_id=partner.community_id).exists()
    )


def public_calls(*, community: OrgNode | None = None, open_only: bool = False) -> QuerySet[RecruitmentCall]:
    qs = RecruitmentCall.objects.filter(status__in=(CallStatus.OPEN,) if open_only else PUBLIC_CALL_STATUSES)
    if community is not None:
        qs = qs.filter(community=community)
    return qs.select_related("community").order_by("status", "-published_at", "-pk")


def public_call_get(*, call_id: int) -> RecruitmentCall:
    call = (
        RecruitmentCall.objects.filter(pk=call_id, status__in=PUBLIC_CALL_STATUSES).select_related("community").first()
    )
    if call is None:
        raise NotFound()
    return call


# --- Rooms and weekly slots of an agreement --------------------------------------------------

WEEKDAY_LABELS = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))


def weekdays_label(weekdays: Iterable[int]) -> str:
    return "、".join(str(WEEKDAY_LABELS[d]) for d in sorted(set(weekdays)) if 0 <= d <= 6)


@dataclass(frozen=True)
class SlotRow:
    slot_id: int
    room_id: int
    room_name: str
    area: str
    weekdays: tuple[int, ...]
    start_time: dt.time
    end_time: dt.time
    booked: bool

    @property
    def weekdays_label(self) -> str:
        return weekdays_label(self.weekdays)

    @property
    def time_label(self) -> str:
        return f"{self.start_time:%H:%M}–{self.end_time:%H:%M}"


def agreement_slots(*, agreement: Agreement) -> list[SlotRow]:
    return [
        SlotRow(
            slot_id=s.pk,
            room_id=s.room_id,
            room_name=s.room.name,
            area=str(s.room.area_m2),
            weekdays=tuple(s.weekdays),
            start_time=s.start_time,
            end_time=s.end_time,
            booked=s.series_id is not None,
        )
        for s in _slots_of(agreement)
    ]


def _slots_of(agreement: Agreement) -> list:
    """The agreement's slots with their rooms: from a prefetch when the list selector made one."""
    if "slots" in getattr(agreement, "_prefetched_objects_cache", {}):
        return sorted(agreement.slots.all(), key=lambda s: s.pk)
    return list(agreement.slots.select_related("room").order_by("pk"))

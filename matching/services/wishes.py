"""Micro-wishes (微心愿): posted by a grid worker, claimed by anyone logged in, fulfilled with a
photo, thanked. Every step is a conditional UPDATE on the status (so two claims cannot both win)
and leaves a WishEvent."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.errors import Conflict, Forbidden, NotFound, ValidationFailed
from matching.models import Category, Wish, WishAction, WishEvent, WishStatus, wish_proof_path
from matching.services._common import (
    clean,
    clean_photo,
    covers,
    once_per_key,
    refuse_identifying,
    require_covers,
    user_of,
)
from orgs.roles import Cap, Role
from orgs.scope import Scope

MAX_WISH_FEN = 100_000  # ¥1,000: a micro-wish is small; bigger help is a project


def _log(wish: Wish, action: str, actor: Scope | None, *, from_status: str = "", to_status: str = "", note: str = "") -> None:
    WishEvent.objects.create(
        community_id=wish.community_id,
        wish=wish,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note[:300],
        actor=user_of(actor),
    )


def _move(wish: Wish, *, from_statuses: tuple[str, ...], extra_filter: dict | None = None, **changes) -> Wish:
    """The conditional update every step goes through: it only applies if the wish is still in
    one of ``from_statuses`` (and matches ``extra_filter``); otherwise someone else moved first."""
    changes["updated_at"] = timezone.now()
    count = Wish.objects.filter(pk=wish.pk, status__in=from_statuses, **(extra_filter or {})).update(**changes)
    if count != 1:
        raise Conflict(_("This wish has changed in the meantime. Reload the page."), code="wish_changed")
    wish.refresh_from_db()
    return wish


# Stored as the withdrawn wish's reason: data, the same in every language the pages are shown in.
CONSENT_WITHDRAWN_REASON = "居民（或监护人）撤回了公开发布微心愿的同意"


def _require_wish_consent(resident) -> None:
    """The resident's current choice for publishing a micro-wish is a consent (PIPL art. 14:
    an optional use needs a yes, and the latest record counts, so a withdrawal refuses); for a
    child under 14 it must be their guardian's (art. 31)."""
    from residents.models import GUARDIAN_AGE, ConsentPurpose
    from residents.selectors_privacy import consent_latest

    record = consent_latest(resident, ConsentPurpose.WISH)
    if record is None or not record.granted:
        raise ValidationFailed(
            _(
                "The resident has not agreed to having a micro-wish published (or has withdrawn the consent). "
                "Record the consent first: tick the box on this form, or on the resident's page."
            ),
            code="no_consent",
        )
    if resident.age < GUARDIAN_AGE and not (record.guardian_name and record.guardian_relation):
        raise ValidationFailed(
            _(
                "The resident is under 14: only a parent or guardian can agree to a micro-wish. "
                "Record the guardian's consent with their name and relation."
            ),
            code="guardian_required",
        )


@transaction.atomic
def wish_post(
    *,
    actor: Scope | None,
    resident,
    title: str,
    who_public: str,
    consent_note: str,
    details: str = "",
    category: str = Category.GOODS,
    estimated_fen: int = 0,
    idempotency_key: str | None = None,
    record_consent: bool = False,
    consent_method: str = "oral",
    guardian_name: str = "",
    guardian_relation: str = "",
) -> Wish:
    """A grid worker posts a wish for a resident of their grid, with the resident's consent.

    The consent is a ``residents.ConsentRecord`` for the micro-wish purpose: already on record,
    or recorded now (``record_consent``: the worker ticked "the resident agrees" on the form),
    in this transaction, so a wish that is refused leaves no consent behind either.
    ``consent_note`` says how it was given, in the worker's words.
    """
    from residents.models import ConsentPurpose, Resident
    from residents.services_privacy import consent_record

    require_covers(actor, Cap.WISH_POST, resident.grid)
    title = clean(title, max_length=60, field=_("The wish"), required=True)
    details = clean(details, max_length=300, field=_("The details"))
    who_public = clean(who_public, max_length=40, field=_("Who (as shown publicly)"), required=True)
    consent_note = clean(consent_note, max_length=200, field=_("The resident's consent"))
    if not consent_note:
        raise ValidationFailed(
            _("Record how the resident agreed to have the wish posted publicly."), code="consent_required"
        )
    for text, field in ((title, _("The wish")), (details, _("The details")), (who_public, _("Who"))):
        refuse_identifying(text, resident=resident, field=field)
    if category not in Category.values:
        raise ValidationFailed(_("Unknown category."), code="bad_choice")
    if not isinstance(estimated_fen, int) or not 0 <= estimated_fen <= MAX_WISH_FEN:
        raise ValidationFailed(_("A micro-wish is worth ¥1,000 at most."), code="bad_amount")

    def create(key: str) -> Wish:
        # Locked, as consent_record locks it: a withdrawal recorded meanwhile either comes first
        # (and this wish is refused) or after (and takes this wish down with the others).
        Resident.objects.select_for_update().filter(pk=resident.pk).first()
        if record_consent:
            consent_record(
                actor=actor,
                resident=resident,
                purpose=ConsentPurpose.WISH,
                granted=True,
                method=consent_method,
                note=consent_note,
                guardian_name=guardian_name,
                guardian_relation=guardian_relation,
            )
        _require_wish_consent(resident)
        wish = Wish.objects.create(
            community_id=resident.community_id,
            grid=resident.grid,
            resident=resident,
            title=title,
            details=details,
            who_public=who_public,
            consent_note=consent_note,
            category=category,
            estimated_fen=estimated_fen,
            posted_by=user_of(actor),
            idempotency_key=key,
        )
        _log(wish, WishAction.POSTED, actor, to_status=WishStatus.POSTED)
        return wish

    wish, _created = once_per_key(Wish, by=user_of(actor), key=idempotency_key, create=create)
    return wish


@transaction.atomic
def wishes_withdraw_for_consent(*, actor: Scope | None, resident) -> int:
    """The resident (or their guardian) withdrew their consent to publishing micro-wishes:
    take their open wishes (waiting or claimed) off the wall. Called by
    ``residents.services_privacy.consent_record``, which has checked who may record it; a wish
    already fulfilled stays, as what was done before the withdrawal (PIPL art. 15)."""
    withdrawn = 0
    for wish in Wish.objects.filter(resident=resident, status__in=(WishStatus.POSTED, WishStatus.CLAIMED)).order_by("pk"):
        _withdraw(wish, actor, reason=CONSENT_WITHDRAWN_REASON)
        withdrawn += 1
    return withdrawn


def _withdraw(wish: Wish, actor: Scope | None, *, reason: str) -> Wish:
    """Off the wall, claimant released, with the reason logged (from its current status)."""
    before = wish.status
    wish = _move(
        wish,
        from_statuses=(before,),
        status=WishStatus.WITHDRAWN,
        withdrawn_reason=reason,
        claimant=None,
        claimant_display="",
    )
    _log(wish, WishAction.WITHDRAWN, actor, from_status=before, to_status=WishStatus.WITHDRAWN, note=reason)
    return wish


@transaction.atomic
def wish_claim(*, actor: Scope, wish: Wish, promise: bool, display_name: str = "") -> Wish:
    """Anyone logged in claims an open wish: one claimant per wish.

    The claim is one conditional UPDATE (status still "posted"): of two people racing, the
    database lets exactly one through and the other gets a clear "already claimed".
    """
    user = user_of(actor)
    if user is None:
        raise Forbidden(_("Log in to claim a wish."), code="unauthenticated")
    if not promise:
        raise ValidationFailed(_("Confirm that you will fulfil the wish."), code="promise_required")
    if wish.resident.user_id and wish.resident.user_id == user.pk:
        raise ValidationFailed(_("You cannot claim your own wish."), code="own_wish")
    shown = clean(display_name, max_length=40, field=_("The name shown")) or _("A kind neighbour")
    if wish.status == WishStatus.CLAIMED and wish.claimant_id == user.pk:
        return wish  # the same person tapping twice: already theirs
    count = Wish.objects.filter(pk=wish.pk, status=WishStatus.POSTED).update(
        status=WishStatus.CLAIMED,
        claimant=user,
        claimant_display=shown,
        claimed_at=timezone.now(),
        updated_at=timezone.now(),
    )
    if count != 1:
        raise Conflict(_("Someone has already claimed this wish, or it was withdrawn."), code="already_claimed")
    wish.refresh_from_db()
    _log(wish, WishAction.CLAIMED, actor, from_status=WishStatus.POSTED, to_status=WishStatus.CLAIMED, note=shown)
    return wish


def _is_claimant(actor: Scope | None, wish: Wish) -> bool:
    user = user_of(actor)
    return user is not None and wish.claimant_id == user.pk


def _require_claimant_or_grid(actor: Scope | None, wish: Wish) -> None:
    if not (_is_claimant(actor, wish) or covers(actor, Cap.WISH_POST, wish.grid)):
        raise NotFound()


@transaction.atomic
def wish_release(*, actor: Scope | None, wish: Wish, reason: str = "") -> Wish:
    """The claimant gives the wish back (or the grid worker releases a stalled claim)."""
    _require_claimant_or_grid(actor, wish)
    reason = clean(reason, max_length=200, field=_("The reason"))
    claimant_id = wish.claimant_id
    wish = _move(
        wish,
        from_statuses=(WishStatus.CLAIMED,),
        extra_filter={"claimant_id": claimant_id},
        status=WishStatus.POSTED,
        claimant=None,
        claimant_display="",
        claimed_at=None,
    )
    _log(wish, WishAction.RELEASED, actor, from_status=WishStatus.CLAIMED, to_status=WishStatus.POSTED, note=reason)
    return wish


def _provider(wish: Wish, claimant) -> tuple[str, object, str]:
    """Which kind of provider fulfilled it, for the service record: the claimant's partner, the
    community (its own staff), or else a volunteer (donors and residents who give)."""
    from partners.models import PartnerMember
    from records.models import ProviderKind

    membership = (
        PartnerMember.objects.filter(user=claimant).select_related("partner").order_by("pk").first()
        if claimant
        else None
    )
    if membership is not None:
        partner = membership.partner if membership.partner.community_id == wish.community_id else None
        return ProviderKind.PARTNER, partner, membership.partner.name
    if claimant is not None and Scope(claimant).roles_in(wish.community_id) & {
        Role.COMMUNITY_STAFF,
        Role.PARTY_SECRETARY,
        Role.GRID_WORKER,
    }:
        return ProviderKind.COMMUNITY, None, ""
    return ProviderKind.VOLUNTEER, None, wish.claimant_display


@transaction.atomic
def wish_fulfil(*, actor: Scope | None, wish: Wish, photo, note: str = "") -> Wish:
    """Record the fulfilment with a photo as proof; counts as a free service given to the wisher."""
    from records.models import Tier
    from records.services import service_record_create

    _require_claimant_or_grid(actor, wish)
    note = clean(note, max_length=300, field=_("The note"))
    content = clean_photo(photo)
    # The file is stored before the update so that the row never points at a missing photo; if
    # the update loses (someone else moved the wish), the file is removed again.
    name = default_storage.save(wish_proof_path(wish, "proof.jpg"), content)
    now = timezone.now()
    try:
        wish = _move(
            wish,
            from_statuses=(WishStatus.CLAIMED,),
            extra_filter={"claimant_id": wish.claimant_id},
            status=WishStatus.FULFILLED,
            fulfilled_at=now,
            fulfilment_note=note,
            proof=name,
        )
    except Conflict:
        default_storage.delete(name)
        raise
    kind, partner, provider_name = _provider(wish, wish.claimant)
    record = service_record_create(
        community=wish.community,
        service=_("Micro-wish: %(title)s") % {"title": wish.title},
        category=wish.category,
        occurred_at=now,
        tier=Tier.FREE,
        provider_kind=kind,
        partner=partner,
        provider_name=provider_name,
        served_by=wish.claimant,
        resident=wish.resident,
        source=("matching.wish", wish.pk),
        recorded_by=user_of(actor),
    )
    Wish.objects.filter(pk=wish.pk).update(service_record_id=record.pk)
    wish.service_record_id = record.pk
    _log(wish, WishAction.FULFILLED, actor, from_status=WishStatus.CLAIMED, to_status=WishStatus.FULFILLED, note=note)
    return wish


@transaction.atomic
def wish_thank(*, actor: Scope | None, wish: Wish, thanks: str) -> Wish:
    """The grid worker writes down the resident's thanks (shown publicly, without their name)."""
    require_covers(actor, Cap.WISH_POST, wish.grid)
    thanks = clean(thanks, max_length=300, field=_("The thanks"), required=True)
    refuse_identifying(thanks, resident=wish.resident, field=_("The thanks"))
    wish = _move(
        wish, from_statuses=(WishStatus.FULFILLED,), status=WishStatus.THANKED, thanks=thanks, thanked_at=timezone.now()
    )
    _log(wish, WishAction.THANKED, actor, from_status=WishStatus.FULFILLED, to_status=WishStatus.THANKED, note=thanks)
    return wish


@transaction.atomic
def wish_withdraw(*, actor: Scope | None, wish: Wish, reason: str) -> Wish:
    """Take a wish down (the resident changed their mind, or it was met another way)."""
    require_covers(actor, Cap.WISH_POST, wish.grid)
    reason = clean(reason, max_length=200, field=_("The reason"), required=True)
    if wish.status not in (WishStatus.POSTED, WishStatus.CLAIMED):
        raise Conflict(_("Only a wish not yet fulfilled can be withdrawn."), code="wish_changed")
    return _withdraw(wish, actor, reason=reason)

"""Points (积分) in the ledger, the rules that award them, rewards and redemption.

Every volunteer has a non-negative PTS account in their community's book, against the
community's "points issued" account (docs/ledger.md, docs/volunteers.md):

* hours confirmed:  volunteer points +N, community points issued −N  (``volunteer.points_earned``)
* reward redeemed:  community points issued +N, volunteer points −N  (``volunteer.points_redeemed``)

The ledger refuses a posting that would take the volunteer's account below zero, in the same
database transaction that takes the reward off the stock: a redemption either has both the
points and the item or changes nothing.
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.models import Account, AccountType, OwnerType, Transaction, Unit
from ledger.services import account_get_or_open, book_for_community, transaction_post, transaction_reverse
from linli.errors import Conflict, NotFound, ValidationFailed
from orgs.models import OrgNode
from orgs.roles import Cap
from orgs.scope import Scope
from volunteers.models import (
    PointsRule,
    Redemption,
    RedemptionStatus,
    Reward,
    RewardKind,
    TaskKind,
    Volunteer,
    VolunteerStatus,
)
from volunteers.services._common import require, text, user_of, whole

EARNED = "volunteer.points_earned"
REDEEMED = "volunteer.points_redeemed"


# --- Accounts ---------------------------------------------------------------------------------


def points_account(volunteer: Volunteer) -> Account:
    """The volunteer's points, opened on first use and then fixed on the registration.

    A resident's account is ``resident:<id>:points`` (owner: the resident), as docs/ledger.md
    names it; a volunteer with no resident record here (a rider who lives elsewhere) gets
    ``volunteer:<id>:points``, owned by the community's book (the ledger has no volunteer owner
    kind)."""
    if volunteer.points_account_id:
        return volunteer.points_account
    book = book_for_community(community=volunteer.community)
    if volunteer.resident_id:
        code, owner_type, owner_id = f"resident:{volunteer.resident_id}:points", OwnerType.RESIDENT, volunteer.resident_id
    else:
        code, owner_type, owner_id = f"volunteer:{volunteer.pk}:points", OwnerType.COMMUNITY, volunteer.community_id
    account = account_get_or_open(
        book=book,
        code=code,
        name=f"{volunteer.name} · 志愿积分"[:100],
        type=AccountType.ASSET,
        unit=Unit.PTS,
        owner_type=owner_type,
        owner_id=owner_id,
        non_negative=True,
    )
    Volunteer.objects.filter(pk=volunteer.pk, points_account__isnull=True).update(points_account=account)
    volunteer.points_account = account
    return account


def points_issued_account(community: OrgNode) -> Account:
    """What the community owes in points: credited when points are earned, debited when redeemed."""
    return account_get_or_open(
        book=book_for_community(community=community),
        code=f"community:{community.pk}:points_issued",
        name="志愿积分 · 已发放",
        type=AccountType.LIABILITY,
        unit=Unit.PTS,
        owner_type=OwnerType.COMMUNITY,
        owner_id=community.pk,
    )


def points_balance(volunteer: Volunteer) -> int:
    if not volunteer.points_account_id:
        return 0
    return Account.objects.values_list("balance", flat=True).get(pk=volunteer.points_account_id)


# --- Rules ------------------------------------------------------------------------------------


def points_for(*, community_id: int, task_kind: str, minutes: int) -> int:
    """Points for ``minutes`` of confirmed work on a task of ``task_kind``: each rule in force
    for that kind (or for every kind) adds per_hour × hours (pro rata, rounded down) + bonus."""
    rules = PointsRule.objects.filter(community_id=community_id, active=True).filter(
        Q(task_kind="") | Q(task_kind=task_kind)
    )
    return sum(rule.per_hour * minutes // 60 + rule.bonus for rule in rules)


def points_rule_create(
    *, actor: Scope | None, community: OrgNode, name: str, task_kind: str = "", per_hour: int = 0, bonus: int = 0
) -> PointsRule:
    require(actor, Cap.VOLUNTEER_MANAGE, community.pk)
    if task_kind and task_kind not in TaskKind.values:
        raise ValidationFailed(_("Unknown kind of task."), code="bad_kind")
    per_hour = whole(per_hour, label=_("Points per hour"), maximum=1000)
    bonus = whole(bonus, label=_("Bonus points"), maximum=10000)
    if not per_hour and not bonus:
        raise ValidationFailed(_("A rule gives points per hour, a bonus, or both."), code="empty_rule")
    return PointsRule.objects.create(
        community=community,
        name=text(name, label=_("the rule's name"), max_length=60),
        task_kind=task_kind,
        per_hour=per_hour,
        bonus=bonus,
        created_by=user_of(actor),
    )


def points_rule_set_active(*, actor: Scope | None, rule: PointsRule, active: bool) -> PointsRule:
    """Rules are switched off, not deleted: points already earned keep what they were."""
    require(actor, Cap.VOLUNTEER_MANAGE, rule.community_id)
    rule.active = bool(active)
    rule.save(update_fields=["active"])
    return rule


def post_earned(*, volunteer: Volunteer, points: int, memo: str, source: tuple[str, int], recorded_by, occurred_at):
    """Credit ``points`` to the volunteer (inside the caller's transaction)."""
    community = volunteer.community
    return transaction_post(
        book=book_for_community(community=community),
        kind=EARNED,
        memo=memo[:200],
        postings=[(points_account(volunteer), points), (points_issued_account(community), -points)],
        occurred_at=occurred_at,
        source=source,
        recorded_by=recorded_by,
        idempotency_key=f"{source[0]}-{source[1]}-points",
    )


# --- Rewards ----------------------------------------------------------------------------------


def reward_create(
    *,
    actor: Scope | None,
    community: OrgNode,
    name: str,
    points: int,
    stock: int = 0,
    kind: str = RewardKind.GOODS,
    provider: str = "",
    description: str = "",
) -> Reward:
    require(actor, Cap.VOLUNTEER_MANAGE, community.pk)
    if kind not in RewardKind.values:
        raise ValidationFailed(_("Unknown kind of reward."), code="bad_kind")
    return Reward.objects.create(
        community=community,
        name=text(name, label=_("the reward's name"), max_length=60),
        kind=kind,
        provider=text(provider, label=_("the provider"), max_length=60, required=False),
        description=text(description, label=_("the description"), max_length=300, required=False),
        points=whole(points, label=_("Points needed"), minimum=1),
        stock=whole(stock, label=_("Stock"), maximum=100_000),
        created_by=user_of(actor),
    )


def reward_update(
    *, actor: Scope | None, reward: Reward, name: str, points: int, kind: str, provider: str = "",
    description: str = "", active: bool = True,
) -> Reward:
    """Edit what a reward is and costs. Stock moves only through ``reward_restock``, so an edit
    never overwrites a redemption made meanwhile."""
    require(actor, Cap.VOLUNTEER_MANAGE, reward.community_id)
    if kind not in RewardKind.values:
        raise ValidationFailed(_("Unknown kind of reward."), code="bad_kind")
    reward.name = text(name, label=_("the reward's name"), max_length=60)
    reward.points = whole(points, label=_("Points needed"), minimum=1)
    reward.kind = kind
    reward.provider = text(provider, label=_("the provider"), max_length=60, required=False)
    reward.description = text(description, label=_("the description"), max_length=300, required=False)
    reward.active = bool(active)
    reward.save(update_fields=["name", "points", "kind", "provider", "description", "active"])
    return reward


def reward_restock(*, actor: Scope | None, reward: Reward, change: int) -> Reward:
    """Add (or, with a negative ``change``, write off) items; the stock never goes below zero."""
    require(actor, Cap.VOLUNTEER_MANAGE, reward.community_id)
    change = whole(change, label=_("The change in stock"), minimum=-100_000, maximum=100_000)
    moved = Reward.objects.filter(pk=reward.pk, stock__gte=-change).update(stock=F("stock") + change)
    if not moved:
        raise Conflict(_("There are not that many in stock."), code="out_of_stock")
    reward.refresh_from_db(fields=["stock"])
    return reward


# --- Redemption -------------------------------------------------------------------------------


def _voucher_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at a shop counter
    return "".join(secrets.choice(alphabet) for _n in range(8))


def redemption_create(
    *, actor: Scope | None, volunteer: Volunteer, reward: Reward, idempotency_key: str | None = None
) -> Redemption:
    """The volunteer redeems ``reward`` with their points.

    One database transaction: take one item off the stock with a conditional UPDATE (the row
    lock makes a second redeemer wait and then see the new stock), then post the points out of
    the volunteer's non-negative account (the ledger's conditional UPDATE refuses an overdraft).
    If either refuses, nothing is kept. With ``idempotency_key``, a retried request returns the
    first redemption instead of redeeming twice.
    """
    user = user_of(actor)
    if actor is not None and (user is None or volunteer.user_id != user.pk):
        raise NotFound()
    if reward.community_id != volunteer.community_id:
        raise NotFound()
    key = (idempotency_key or "").strip()[:100] or None
    if key:
        existing = Redemption.objects.filter(volunteer=volunteer, idempotency_key=key).first()
        if existing is not None:
            return existing
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise ValidationFailed(_("Your volunteer registration is suspended."), code="suspended")
    account = points_account(volunteer)
    issued = points_issued_account(volunteer.community)
    try:
        with transaction.atomic():
            taken = Reward.objects.filter(pk=reward.pk, active=True, stock__gte=1).update(stock=F("stock") - 1)
            if not taken:
                raise Conflict(_("%(reward)s is out of stock.") % {"reward": reward.name}, code="out_of_stock")
            # Read the price under the row lock the UPDATE took: what is charged is what is current.
            cost = Reward.objects.values_list("points", flat=True).get(pk=reward.pk)
            redemption = Redemption.objects.create(
                community_id=volunteer.community_id,
                volunteer=volunteer,
                reward=reward,
                points=cost,
                code=_voucher_code(),
                idempotency_key=key,
            )
            transaction_post(
                book=account.book,
                kind=REDEEMED,
                memo=f"{volunteer.name} 兑换 {reward.name}"[:200],
                postings=[(issued, cost), (account, -cost)],
                source=("volunteers.redemption", redemption.pk),
                recorded_by=user,
                idempotency_key=f"volunteers.redemption-{redemption.pk}",
            )
    except IntegrityError:
        # The same key raced itself: the other request made the redemption.
        existing = Redemption.objects.filter(volunteer=volunteer, idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return existing
    return redemption


def redemption_hand_over(*, actor: Scope | None, redemption: Redemption) -> Redemption:
    require(actor, Cap.VOLUNTEER_MANAGE, redemption.community_id)
    moved = Redemption.objects.filter(pk=redemption.pk, status=RedemptionStatus.REDEEMED).update(
        status=RedemptionStatus.HANDED_OVER, handed_over_by=user_of(actor), handed_over_at=timezone.now()
    )
    if not moved:
        raise Conflict(_("This redemption has been handed over or cancelled already."), code="not_redeemed")
    redemption.refresh_from_db()
    return redemption


def redemption_cancel(*, actor: Scope | None, redemption: Redemption, reason: str = "") -> Redemption:
    """Give the points back (a reversal in the ledger) and the item back to the stock."""
    require(actor, Cap.VOLUNTEER_MANAGE, redemption.community_id)
    with transaction.atomic():
        moved = Redemption.objects.filter(pk=redemption.pk, status=RedemptionStatus.REDEEMED).update(
            status=RedemptionStatus.CANCELLED
        )
        if not moved:
            raise Conflict(_("Only a redemption not yet handed over can be cancelled."), code="not_redeemed")
        original = Transaction.objects.filter(
            source_type="volunteers.redemption", source_id=str(redemption.pk), kind=REDEEMED, reverses__isnull=True
        ).first()
        if original is None:
            raise NotFound()
        transaction_reverse(
            original=original,
            memo=(reason or _("Redemption cancelled"))[:200],
            recorded_by=user_of(actor),
            idempotency_key=f"volunteers.redemption-{redemption.pk}-cancel",
        )
        Reward.objects.filter(pk=redemption.reward_id).update(stock=F("stock") + 1)
    redemption.refresh_from_db()
    return redemption

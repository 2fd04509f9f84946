"""Drawing on the community development fund: a project or a micro-wish asks for money through
the fund app's spending request (the only way money leaves the fund), and keeps its id.

The fund's own rules (proposer's ``fund.propose``, committee vote, charity approval) apply
unchanged; this module only fills in the request and links it back.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from linli.errors import Conflict, ValidationFailed
from matching.models import Project, ProjectStatus, Wish, WishAction, WishStatus
from matching.services._common import clean
from matching.services.wishes import _log
from orgs.scope import Scope


def _propose(*, actor, community, title: str, purpose: str, amount_fen: int, line: str, origin_type: str, origin_id: int):
    from fund.services import spending_request_propose

    if not isinstance(amount_fen, int) or amount_fen <= 0:
        raise ValidationFailed(_("Ask for an amount above zero."), code="bad_amount")
    purpose = clean(purpose, max_length=500, field=_("What the money is for"), required=True, multiline=True)
    return spending_request_propose(
        actor=actor,
        community=community,
        title=title[:100],
        purpose=purpose,
        amount_fen=amount_fen,
        lines=[(line, purpose[:200], amount_fen)],
        origin_type=origin_type,
        origin_id=origin_id,
    )


@transaction.atomic
def project_request_funding(*, actor: Scope | None, project: Project, amount_fen: int, purpose: str) -> Project:
    """Draft a spending request for the project (once; the request then follows the fund's steps)."""
    from fund.models import SpendingLine

    # Locked so that two clicks at once cannot draft two requests for one project.
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status not in (ProjectStatus.PLANNED, ProjectStatus.ACTIVE):
        raise Conflict(_("This project has ended."), code="project_ended")
    if project.fund_request_id:
        raise Conflict(_("This project already has a spending request."), code="already_requested")
    request = _propose(
        actor=actor,
        community=project.community,
        title=project.title,
        purpose=purpose,
        amount_fen=amount_fen,
        line=SpendingLine.SERVICES,
        origin_type="matching.project",
        origin_id=project.pk,
    )
    project.fund_request_id = request.pk
    project.save(update_fields=["fund_request_id", "updated_at"])
    return project


@transaction.atomic
def wish_request_funding(*, actor: Scope | None, wish: Wish, amount_fen: int, purpose: str) -> Wish:
    """The community fulfils a wish itself, paid from the fund's micro-wish line."""
    from fund.models import SpendingLine

    wish = Wish.objects.select_for_update().get(pk=wish.pk)
    if wish.status not in (WishStatus.POSTED, WishStatus.CLAIMED):
        raise Conflict(_("Only a wish not yet fulfilled can be funded."), code="wish_changed")
    if wish.fund_request_id:
        raise Conflict(_("This wish already has a spending request."), code="already_requested")
    request = _propose(
        actor=actor,
        community=wish.community,
        title=_("Micro-wish: %(title)s") % {"title": wish.title},
        purpose=purpose,
        amount_fen=amount_fen,
        line=SpendingLine.WISHES,
        origin_type="matching.wish",
        origin_id=wish.pk,
    )
    wish.fund_request_id = request.pk
    wish.save(update_fields=["fund_request_id", "updated_at"])
    _log(wish, WishAction.FUNDING, actor, note=str(request.pk))
    return wish

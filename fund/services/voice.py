"""Residents' voice: comments during the public-comment period, questions on anything
disclosed, and the committee's public answers."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fund.models import Comment, DisclosureReport, Fund, Question, RequestStatus, SpendingRequest
from fund.services._common import as_scope, clean_text, no_personal_data, require_any, user_of
from linli import pagecache
from linli.errors import Conflict, NotFound, ValidationFailed
from orgs.roles import Cap

# What residents may ask about: anything already in front of the committee or the public.
DISCLOSED = (
    RequestStatus.VOTING,
    RequestStatus.COMMENT,
    RequestStatus.REVIEW,
    RequestStatus.APPROVED,
    RequestStatus.REPORTED,
    RequestStatus.CLOSED,
    RequestStatus.RETURNED,
)
MAX_COMMENTS_PER_DAY = 10


def _resident_of(user, community_id: int):
    """The logged-in resident of this community, or NotFound: comments and questions come from
    the community's residents, each under their own account."""
    from residents.selectors import resident_for_self

    if user is None or not user.is_authenticated:
        raise NotFound()
    resident = resident_for_self(user=user)
    if resident.community_id != community_id:
        raise NotFound()
    return resident


def _label(resident) -> str:
    # A masked name: residents see that a neighbour spoke, not who.
    name = resident.name or ""
    return (name[:1] + "*" * max(1, len(name) - 1)) if name else str(_("A resident"))


def _throttle(model, user, community_id: int) -> None:
    since = timezone.now() - dt.timedelta(days=1)
    if (
        model.objects.filter(author=user, community_id=community_id, created_at__gte=since).count()
        >= MAX_COMMENTS_PER_DAY
    ):
        raise Conflict(_("You have written a lot today; please continue tomorrow."), code="too_many")


@transaction.atomic
def comment_add(*, user, request: SpendingRequest, text: str) -> Comment:
    resident = _resident_of(user, request.community_id)
    if request.status != RequestStatus.COMMENT:
        raise Conflict(_("Comments are taken only during the public-comment period."), code="comment_closed")
    text = no_personal_data(clean_text(text, max_length=1000, field=_("Comment"), required=True), field=_("Comment"))
    _throttle(Comment, user, request.community_id)
    return Comment.objects.create(
        spending_request=request,
        community_id=request.community_id,
        author=user,
        author_label=_label(resident),
        text=text,
    )


@transaction.atomic
def question_ask(
    *, user, fund: Fund, text: str, request: SpendingRequest | None = None, report: DisclosureReport | None = None
) -> Question:
    resident = _resident_of(user, fund.community_id)
    if request is not None and (request.fund_id != fund.pk or request.status not in DISCLOSED):
        raise NotFound()
    if report is not None and report.fund_id != fund.pk:
        raise NotFound()
    text = no_personal_data(clean_text(text, max_length=1000, field=_("Question"), required=True), field=_("Question"))
    _throttle(Question, user, fund.community_id)
    pagecache.forget(f"fund:{fund.pk}")
    return Question.objects.create(
        fund=fund,
        community_id=fund.community_id,
        spending_request=request,
        report=report,
        author=user,
        author_label=_label(resident),
        text=text,
    )


@transaction.atomic
def question_answer(*, actor, question: Question, answer: str) -> Question:
    """The committee (or the fund's staff for it) answers in public. An answer is given once;
    a later clarification is a new question and answer, so nothing published changes."""
    actor = as_scope(actor)
    require_any(actor, (Cap.FUND_VOTE, Cap.FUND_MANAGE), question.community_id)
    answer = no_personal_data(clean_text(answer, max_length=2000, field=_("Answer"), required=True), field=_("Answer"))
    if not Question.objects.filter(pk=question.pk, answered_at__isnull=True).update(
        answer=answer, answered_by=user_of(actor), answered_at=timezone.now()
    ):
        raise Conflict(_("This question has already been answered."), code="answered")
    pagecache.forget(f"fund:{question.fund_id}")
    question.refresh_from_db()
    return question


def check_text(value: str) -> str:
    if not value:
        raise ValidationFailed(_("Write something first."), code="required")
    return value

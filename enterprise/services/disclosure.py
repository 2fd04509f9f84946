"""公开透明: monthly statements published for everyone, and residents' questions (居民质询)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprise.models import Enterprise, MonthlyStatement, Question
from enterprise.reports import month_report
from enterprise.services._common import (
    check_text,
    local_midnight,
    month_start,
    next_month,
    require,
    subdistrict_of,
    user_of,
)
from enterprise.services.setup import policy_for
from ledger.models import Transaction
from ledger.selectors import book_head
from linli.errors import Conflict, NotFound, ValidationFailed
from orgs.roles import Cap
from orgs.scope import Scope


def statement_publish(
    *, actor: Scope | None, enterprise: Enterprise, month: dt.date, note: str = ""
) -> MonthlyStatement:
    """Publish a finished month. The totals are taken from the ledger now, with the book's head,
    so a reader can check later that the book still holds that history."""
    require(actor, Cap.ENTERPRISE_MANAGE, enterprise.community_id)
    first = month_start(month)
    if local_midnight(next_month(first)) > timezone.now():
        raise ValidationFailed(_("A month is published once it has ended."), code="month_not_over")
    existing = MonthlyStatement.objects.filter(enterprise=enterprise, month=first).first()
    if existing is not None:
        return existing
    report = month_report(enterprise=enterprise, month=first, with_entries=False)
    seq, digest = book_head(book=enterprise.book)
    try:
        with transaction.atomic():
            return MonthlyStatement.objects.create(
                community_id=enterprise.community_id,
                enterprise=enterprise,
                month=first,
                income_fen=report.income_total,
                expense_fen=report.expense_total,
                head_seq=seq,
                head_hash=digest,
                note=check_text(note, _("Note"), 2000, required=False),
                published_by=user_of(actor),
            )
    except IntegrityError:
        return MonthlyStatement.objects.get(enterprise=enterprise, month=first)


@transaction.atomic
def question_ask(*, user, statement: MonthlyStatement, transaction_id: int, text: str) -> Question:
    """A logged-in resident of the community questions one entry of its enterprise's published
    statement (居民质询 is the residents' right over their own community's enterprise; anyone may
    read). The community must answer within the subdistrict's deadline; after that the question
    shows as overdue to the subdistrict."""
    if user is None or not user.is_authenticated:
        raise NotFound()
    from residents.models import Resident

    if not Resident.objects.filter(user=user, community_id=statement.community_id).exists():
        raise NotFound(_("Only residents of the community can question its enterprise's accounts."))
    text = check_text(text, _("Question"), 1000)
    enterprise = statement.enterprise
    start, end = local_midnight(statement.month), local_midnight(next_month(statement.month))
    txn = Transaction.objects.filter(
        pk=transaction_id, book=enterprise.book, occurred_at__gte=start, occurred_at__lt=end
    ).first()
    if txn is None:
        raise ValidationFailed(_("That entry is not in this statement."), code="not_in_statement")
    recent = Question.objects.filter(asked_by=user, asked_at__gte=timezone.now() - dt.timedelta(days=1)).count()
    if recent >= 20:
        raise Conflict(_("You have asked many questions today; please wait for the answers."), code="too_many")
    policy = policy_for(subdistrict=subdistrict_of(enterprise.community))
    now = timezone.now()
    return Question.objects.create(
        community_id=statement.community_id,
        statement=statement,
        transaction=txn,
        asked_by=user,
        text=text,
        asked_at=now,
        due_at=now + dt.timedelta(days=policy.answer_days),
    )


@transaction.atomic
def question_answer(*, actor: Scope | None, question: Question, answer: str) -> Question:
    require(actor, Cap.ENTERPRISE_MANAGE, question.community_id)
    answer = check_text(answer, _("Answer"), 2000)
    # Conditional update: one answer per question, even if two staff answer at once.
    moved = Question.objects.filter(pk=question.pk, answered_at__isnull=True).update(
        answer=answer, answered_at=timezone.now(), answered_by=user_of(actor)
    )
    if not moved:
        raise Conflict(_("This question has already been answered."), code="already_answered")
    question.refresh_from_db()
    return question

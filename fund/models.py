"""The community development fund (社区发展基金): set-up, committee, money in, spending requests,
disclosure.

The money itself is in the ledger (``ledger.chart``'s ``fund:<community id>:…`` accounts); these
tables hold the decisions and documents around it: who proposed, who voted, who approved, which
invoice backs which payment, which reports were published. Every page that shows a figure reads
it from the ledger, so the two can never disagree.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

_community_fk = dict(to="orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))


def _user_fk(verbose_name, **extra):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
        **extra,
    )


class Fund(models.Model):
    """One per community, set up under an agreement with a hosting charity that holds
    public-fundraising status: the charity holds the money, the fund is earmarked for the
    community."""

    community = models.OneToOneField(
        "orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=100)
    charity_name = models.CharField(_("hosting charity"), max_length=100)
    charity_registration_no = models.CharField(_("charity's registration number"), max_length=40)
    charity_public_fundraising = models.BooleanField(_("charity holds public-fundraising status"), default=False)
    agreement_no = models.CharField(_("agreement number"), max_length=60, blank=True)
    agreement_date = models.DateField(_("agreement date"))
    purpose = models.TextField(_("purpose"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = _user_fk(_("created by"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("community development fund")
        verbose_name_plural = _("community development funds")
        ordering = ["community__path"]

    def __str__(self) -> str:
        return self.name


class CommitteeMember(models.Model):
    """A member of the fund management committee for a term. Leaving sets ``left_on``; the row
    stays so past votes keep their voter."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="members", verbose_name=_("fund"))
    community = models.ForeignKey(**_community_fk)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("login")
    )
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("title"), max_length=100, blank=True)
    is_chair = models.BooleanField(_("chair"), default=False)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    left_reason = models.CharField(_("reason for leaving"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["-is_chair", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "user"], condition=Q(left_on__isnull=True), name="fund_member_once_while_serving"
            ),
            models.UniqueConstraint(
                fields=["fund"], condition=Q(left_on__isnull=True, is_chair=True), name="fund_one_chair"
            ),
            models.CheckConstraint(condition=Q(term_end__gte=models.F("term_start")), name="fund_member_term_order"),
        ]

    def __str__(self) -> str:
        return self.name


class DocumentKind(models.TextChoices):
    AGREEMENT = "agreement", _("Agreement with the charity")
    CERTIFICATE = "certificate", _("Charity's certificate")
    INVOICE = "invoice", _("Invoice or receipt")
    PHOTO = "photo", _("Photo")
    REPORT = "report", _("Report")
    OTHER = "other", _("Other")


def _document_path(instance: Document, filename: str) -> str:
    return f"fund/{instance.community_id}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Document(models.Model):
    """A file kept with the fund: the agreement, invoices behind payments, completion photos.

    ``public`` documents (payment invoices, completion photos) are shown on the disclosure page
    through their unguessable token; the others only to those with ``fund.view``."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="documents", verbose_name=_("fund"))
    community = models.ForeignKey(**_community_fk)
    spending_request = models.ForeignKey(
        "SpendingRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("spending request"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=_document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    public = models.BooleanField(_("public"), default=False)
    token = models.UUIDField(_("public token"), default=uuid.uuid4, unique=True, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = _user_fk(_("uploaded by"))

    class Meta:
        verbose_name = _("fund document")
        verbose_name_plural = _("fund documents")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title or self.original_name


class DonationKind(models.TextChoices):
    MONEY = "money", _("Money")
    GOODS = "goods", _("Goods in kind")


class DonorKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Company or organisation")


class Donation(models.Model):
    """A gift to the fund, with its receipt (捐赠票据) number. Money posts to the fund's cash,
    goods to its goods account at fair value; both to the matching income account."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="donations", verbose_name=_("fund"))
    community = models.ForeignKey(**_community_fk)
    kind = models.CharField(_("kind"), max_length=8, choices=DonationKind.choices, default=DonationKind.MONEY)
    donor_kind = models.CharField(_("donor is a"), max_length=12, choices=DonorKind.choices)
    donor_name = models.CharField(_("donor"), max_length=100)
    anonymous = models.BooleanField(_("stay anonymous in public"), default=False)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    goods = models.CharField(_("goods"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("count"), null=True, blank=True)
    restriction = models.CharField(_("purpose restriction"), max_length=200, blank=True)
    receipt_no = models.CharField(_("receipt number"), max_length=40)
    received_at = models.DateTimeField(_("received at"))
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    token = models.UUIDField(_("receipt token"), default=uuid.uuid4, unique=True, editable=False)
    transaction_id = models.BigIntegerField(_("ledger entry"))
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    recorded_by = _user_fk(_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "receipt_no"], name="fund_donation_receipt_unique"),
            models.UniqueConstraint(fields=["fund", "idempotency_key"], name="fund_donation_idempotency"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="fund_donation_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_no} {self.donor_name}"

    @property
    def public_donor(self) -> str:
        return str(_("Anonymous donor")) if self.anonymous else self.donor_name


class IncomeKind(models.TextChoices):
    DIRECT = "direct", _("Income received")
    SETTLEMENT = "settlement", _("Settlement of shares owed")


class Income(models.Model):
    """Income recorded here because no other app posts it: a partner's revenue share paid
    directly, a settlement of shares owed (fund receivable → cash), other income."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="incomes", verbose_name=_("fund"))
    community = models.ForeignKey(**_community_fk)
    kind = models.CharField(_("kind"), max_length=12, choices=IncomeKind.choices, default=IncomeKind.DIRECT)
    source = models.CharField(_("source"), max_length=20)
    partner_id = models.BigIntegerField(_("partner"), null=True, blank=True)
    payer = models.CharField(_("paid by"), max_length=100)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    received_at = models.DateTimeField(_("received at"))
    memo = models.CharField(_("memo"), max_length=200)
    transaction_id = models.BigIntegerField(_("ledger entry"))
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    recorded_by = _user_fk(_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("fund income")
        verbose_name_plural = _("fund income")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "idempotency_key"], name="fund_income_idempotency"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="fund_income_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.payer} {self.amount_fen}"


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    VOTING = "voting", _("Committee vote")
    COMMENT = "comment", _("Public comment")
    REVIEW = "review", _("Charity review")
    APPROVED = "approved", _("Approved, being paid")
    REPORTED = "reported", _("Completion reported")
    CLOSED = "closed", _("Completed and closed")
    RETURNED = "returned", _("Returned")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SpendingLine(models.TextChoices):
    """Budget lines, each with its expense account ``fund:<community>:spending:<line>``."""

    ACTIVITIES = "activities", _("Community activities")
    REPAIRS = "repairs", _("Repairs")
    VISITS = "visits", _("Visits to people in need")
    WISHES = "wishes", _("Micro-wishes")
    SERVICES = "services", _("Services for residents")
    OTHER = "other", _("Other spending")


class SpendingRequest(models.Model):
    """A spending request (用款申请). The only way money leaves the fund.

    draft → voting → comment → review → approved (payments) → reported → closed, with returns to
    the proposer (returned → resubmitted, a new voting round) and withdrawal. Status changes are
    conditional UPDATEs (services.requests), so two people acting at once cannot both succeed.
    ``paid_fen`` grows by a conditional UPDATE that keeps it within ``approved_fen``.
    """

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="requests", verbose_name=_("fund"))
    community = models.ForeignKey(**_community_fk)
    number = models.CharField(_("number"), max_length=30)
    title = models.CharField(_("title"), max_length=100)
    purpose = models.TextField(_("purpose"))
    beneficiaries = models.TextField(
        _("beneficiaries"), help_text=_("Who benefits, described without names, ID or phone numbers.")
    )
    amount_fen = models.BigIntegerField(_("amount requested (fen)"))
    starts_on = models.DateField(_("project starts"), null=True, blank=True)
    ends_on = models.DateField(_("project ends"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.DRAFT)
    round = models.PositiveIntegerField(_("voting round"), default=0)
    committee_size = models.PositiveIntegerField(_("committee size at the vote"), default=0)
    comment_until = models.DateField(_("public comment until"), null=True, blank=True)
    approved_fen = models.BigIntegerField(_("approved amount (fen)"), default=0)
    paid_fen = models.BigIntegerField(_("paid (fen)"), default=0)
    report_text = models.TextField(_("completion report"), blank=True)
    report_figures = models.JSONField(_("figures"), default=dict, blank=True)
    origin_type = models.CharField(_("comes from"), max_length=40, blank=True)
    origin_id = models.BigIntegerField(_("origin id"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    proposed_by = _user_fk(_("proposed by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("spending request")
        verbose_name_plural = _("spending requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "number"], name="fund_request_number_unique"),
            models.UniqueConstraint(fields=["fund", "idempotency_key"], name="fund_request_idempotency"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="fund_request_amount_positive"),
            # The last line of defence for "never more than approved"; the service's conditional
            # UPDATE refuses first, with a readable message.
            models.CheckConstraint(
                condition=Q(paid_fen__gte=0) & Q(paid_fen__lte=models.F("approved_fen")),
                name="fund_request_paid_within",
            ),
        ]
        indexes = [models.Index(fields=["community", "status"], name="fund_request_status")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def remaining_fen(self) -> int:
        return self.approved_fen - self.paid_fen


class BudgetLine(models.Model):
    spending_request = models.ForeignKey(
        SpendingRequest, on_delete=models.CASCADE, related_name="lines", verbose_name=_("spending request")
    )
    line = models.CharField(_("budget line"), max_length=12, choices=SpendingLine.choices)
    description = models.CharField(_("description"), max_length=200)
    amount_fen = models.BigIntegerField(_("amount (fen)"))

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0), name="fund_line_amount_positive")]

    def __str__(self) -> str:
        return f"{self.description} {self.amount_fen}"


class VoteChoice(models.TextChoices):
    YES = "yes", _("For")
    NO = "no", _("Against")
    CONFLICT = "conflict", _("Abstains: conflict of interest")


class Vote(models.Model):
    """One member's vote in one round. The unique constraint is what makes "each member once"
    hold when two taps race."""

    spending_request = models.ForeignKey(
        SpendingRequest, on_delete=models.PROTECT, related_name="votes", verbose_name=_("spending request")
    )
    community = models.ForeignKey(**_community_fk)
    round = models.PositiveIntegerField(_("round"))
    member = models.ForeignKey(
        CommitteeMember, on_delete=models.PROTECT, related_name="votes", verbose_name=_("member")
    )
    choice = models.CharField(_("vote"), max_length=10, choices=VoteChoice.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("voted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["spending_request", "round", "member"], name="fund_vote_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.choice}"


STEP_LABELS = {
    "propose": _("Proposed"),
    "revise": _("Revised"),
    "submit": _("Submitted to the committee"),
    "resubmit": _("Resubmitted to the committee"),
    "vote_yes": _("Voted for"),
    "vote_no": _("Voted against"),
    "vote_conflict": _("Abstained: conflict of interest"),
    "committee_pass": _("Passed by the committee; public comment opened"),
    "committee_fail": _("Not passed by the committee"),
    "return": _("Returned to the proposer"),
    "to_charity": _("Sent to the charity"),
    "charity_approve": _("Approved by the charity"),
    "charity_return": _("Returned by the charity"),
    "pay": _("Paid"),
    "report": _("Completion reported"),
    "report_return": _("Completion report sent back"),
    "close": _("Completed and closed"),
    "withdraw": _("Withdrawn"),
}


class StepLog(models.Model):
    """Who moved a request, when, from which status to which, and why."""

    spending_request = models.ForeignKey(
        SpendingRequest, on_delete=models.PROTECT, related_name="steps", verbose_name=_("spending request")
    )
    community = models.ForeignKey(**_community_fk)
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10, blank=True)
    actor = _user_fk(_("by"))
    actor_name = models.CharField(_("by"), max_length=100, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.created_at:%Y-%m-%d}"

    @property
    def action_label(self) -> str:
        return str(STEP_LABELS.get(self.action, self.action))


class Payment(models.Model):
    """One disbursement against an approved request, backed by an invoice or receipt."""

    spending_request = models.ForeignKey(
        SpendingRequest, on_delete=models.PROTECT, related_name="payments", verbose_name=_("spending request")
    )
    community = models.ForeignKey(**_community_fk)
    line = models.CharField(_("budget line"), max_length=12, choices=SpendingLine.choices)
    payee = models.CharField(_("payee"), max_length=100)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    paid_at = models.DateTimeField(_("paid at"))
    memo = models.CharField(_("memo"), max_length=200)
    invoice = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+", verbose_name=_("invoice"))
    transaction_id = models.BigIntegerField(_("ledger entry"))
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    recorded_by = _user_fk(_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["spending_request", "idempotency_key"], name="fund_payment_idempotency"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="fund_payment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.payee} {self.amount_fen}"


class Comment(models.Model):
    """A resident's comment during the public-comment period. Shown with a masked name."""

    spending_request = models.ForeignKey(
        SpendingRequest, on_delete=models.PROTECT, related_name="comments", verbose_name=_("spending request")
    )
    community = models.ForeignKey(**_community_fk)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_label = models.CharField(_("shown as"), max_length=20)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:30]


class Question(models.Model):
    """A resident's question on a disclosed item (a request, a report, or the fund), answered
    publicly by the committee."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="questions", verbose_name=_("fund"))
    community = models.ForeignKey(**_community_fk)
    spending_request = models.ForeignKey(
        SpendingRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="questions"
    )
    report = models.ForeignKey(
        "DisclosureReport", on_delete=models.PROTECT, null=True, blank=True, related_name="questions"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_label = models.CharField(_("shown as"), max_length=20)
    text = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = _user_fk(_("answered by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.text[:30]


class ReportKind(models.TextChoices):
    MONTH = "month", _("Monthly report")
    QUARTER = "quarter", _("Quarterly report")
    PROJECT = "project", _("Project report")


class DisclosureReport(models.Model):
    """A published disclosure. ``data`` is the snapshot of every figure as published, with the
    ledger head it was read at; PDF and Excel are rendered from it, so the document is the same
    every time it is downloaded. Never changed: a correction is a ``CorrectionNote``."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="reports", verbose_name=_("fund"))
    community = models.ForeignKey(**_community_fk)
    kind = models.CharField(_("kind"), max_length=8, choices=ReportKind.choices)
    spending_request = models.ForeignKey(
        SpendingRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until (exclusive)"))
    final = models.BooleanField(_("final project report"), default=False)
    data = models.JSONField(_("figures as published"))
    head_seq = models.BigIntegerField(_("ledger entry number"))
    head_hash = models.CharField(_("ledger hash"), max_length=64)
    published_at = models.DateTimeField(_("published at"))
    published_by = _user_fk(_("published by"))

    class Meta:
        verbose_name = _("disclosure report")
        verbose_name_plural = _("disclosure reports")
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "kind", "period_start"],
                condition=Q(spending_request__isnull=True),
                name="fund_report_one_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period_start}"

    def save(self, *args, **kwargs) -> None:
        # Published figures are never edited: corrections are notes (CorrectionNote).
        if not self._state.adding:
            raise ValueError("A published disclosure report cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A published disclosure report cannot be removed.")


class CorrectionNote(models.Model):
    report = models.ForeignKey(
        DisclosureReport, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("report")
    )
    community = models.ForeignKey(**_community_fk)
    text = models.TextField(_("correction"))
    published_at = models.DateTimeField(_("published at"))
    published_by = _user_fk(_("published by"))

    class Meta:
        verbose_name = _("correction note")
        verbose_name_plural = _("correction notes")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:30]

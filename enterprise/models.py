"""Community enterprises (社区企业): their books, budgets, expense requests, rent and statements.

A community enterprise is a legal entity of its own, one per community, with its own book in the
ledger (``ledger.BookKind.ENTERPRISE``). Money never moves here: every yuan is a ledger entry,
and these models hold what the ledger cannot — the budget, the approval chain, rent invoices,
published statements and residents' questions — each pointing at its ledger entry.

Three rules from the subdistrict's financial management rule shape the model:

* 收支两条线 — income is recorded by source (``IncomeSource``) into income accounts; spending goes
  only through an ``ExpenseRequest`` against a ``BudgetLine``. The two never net.
* 分级审批 — ``ApprovalLevel`` rows (per subdistrict, editable) say who approves from which
  amount; a request records its chain when raised and each ``Approval`` in order.
* 公开透明 — ``MonthlyStatement`` publishes a month; residents ask questions about its
  entries, and the community must answer within the subdistrict's deadline.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

_community_fk = {
    "to": "orgs.OrgNode",
    "on_delete": models.PROTECT,
    "related_name": "+",
    "verbose_name": _("community"),
}


def _user_fk(verbose_name, **kwargs):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
        **kwargs,
    )


class IncomeSource(models.TextChoices):
    """Where the enterprise's income comes from: one income account each in its book."""

    RENT = "rent", _("Room rent from partners")
    SERVICES = "services", _("Service operations")
    GOVERNMENT = "government", _("Government purchase of services")
    DONATION = "donation", _("Donations and sponsorship")
    OTHER = "other", _("Other lawful income")


class SpendingCategory(models.TextChoices):
    """What the enterprise may spend on: one budget line and one expense account each."""

    RUNNING = "running", _("Running costs (water, electricity)")
    VULNERABLE = "vulnerable", _("Help for vulnerable groups")
    WISHES = "wishes", _("Residents' micro-wishes")
    ACTIVITIES = "activities", _("Community activities")


class Approver(models.TextChoices):
    """Who approves at a level, and at which org node their role must sit."""

    PARTY_SECRETARY = "party_secretary", _("Community party secretary")
    SUBDISTRICT_OFFICER = "subdistrict_officer", _("Subdistrict officer")
    COLLECTIVE = "collective", _("Subdistrict collective decision")


class DocumentKind(models.TextChoices):
    FINANCIAL_RULE = "financial_rule", _("Financial management rule")
    LEASING_GUIDELINE = "leasing_guideline", _("Property leasing guideline")
    OTHER = "other", _("Other document")


class ApprovalPolicy(models.Model):
    """A subdistrict's rules for its community enterprises: deadlines and thresholds.

    The approval levels hang off it (``levels``). One per subdistrict; created with the
    defaults of 沙坪街道's rule the first time an enterprise of the subdistrict needs it.
    """

    subdistrict = models.OneToOneField(
        "orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("subdistrict")
    )
    split_window_days = models.PositiveSmallIntegerField(
        _("split purchase window (days)"),
        default=30,
        help_text=_("Requests to the same payee or on the same line within this many days are added up."),
    )
    answer_days = models.PositiveSmallIntegerField(
        _("days to answer a resident's question"), default=7
    )
    budget_alert_percent = models.PositiveSmallIntegerField(
        _("budget alert at (%)"), default=90, help_text=_("Warn when a line's spending reaches this share.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = _user_fk(_("updated by"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("approval policy")
        verbose_name_plural = _("approval policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_alert_percent__gte=1, budget_alert_percent__lte=100), name="policy_alert_percent"
            ),
            models.CheckConstraint(condition=Q(answer_days__gte=1), name="policy_answer_days_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.subdistrict_id}"


class ApprovalLevel(models.Model):
    """One level of the chain: from ``from_fen`` (inclusive) up, ``approver`` must approve.

    Levels are approved in ``position`` order; a request needs every level whose ``from_fen``
    its amount reaches. 沙坪街道's rule: from ¥0 the party secretary; from ¥1,000 also the
    subdistrict officer; above ¥10,000 (from ¥10,000.01) also the collective decision.
    """

    policy = models.ForeignKey(ApprovalPolicy, on_delete=models.CASCADE, related_name="levels", verbose_name=_("policy"))
    position = models.PositiveSmallIntegerField(_("order"))
    approver = models.CharField(_("approved by"), max_length=24, choices=Approver.choices)
    from_fen = models.BigIntegerField(_("from amount (fen)"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("approval level")
        verbose_name_plural = _("approval levels")
        ordering = ["policy", "position"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "position"], name="approval_level_position_unique"),
            models.CheckConstraint(condition=Q(from_fen__gte=0), name="approval_level_from_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.get_approver_display()} ≥ {self.from_fen}"


class Enterprise(models.Model):
    """The community enterprise (社区企业) of one community, and its book."""

    community = models.OneToOneField(
        "orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=100)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    bookkeeping_agency = models.CharField(
        _("bookkeeping agency"), max_length=100, blank=True, help_text=_("The outside firm that keeps the accounts.")
    )
    book = models.OneToOneField(
        "ledger.Book", on_delete=models.PROTECT, related_name="+", verbose_name=_("book")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = _user_fk(_("created by"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("community enterprise")
        verbose_name_plural = _("community enterprises")
        ordering = ["community__path"]

    def __str__(self) -> str:
        return self.name


class EnterpriseDocument(models.Model):
    """A rule or guideline the enterprise works under (financial rule, leasing guideline)."""

    community = models.ForeignKey(**_community_fk)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="documents", verbose_name=_("enterprise")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"), blank=True)
    file = models.FileField(_("file"), upload_to="enterprise/documents/%Y/", blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = _user_fk(_("added by"))

    class Meta:
        verbose_name = _("enterprise document")
        verbose_name_plural = _("enterprise documents")
        ordering = ["kind", "-created_at"]

    def __str__(self) -> str:
        return self.title


class BudgetLine(models.Model):
    """The year's budget for one spending category."""

    community = models.ForeignKey(**_community_fk)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="budget_lines", verbose_name=_("enterprise")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.CharField(_("category"), max_length=12, choices=SpendingCategory.choices)
    amount_fen = models.BigIntegerField(_("budget (fen)"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["enterprise", "-year", "category"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year", "category"], name="budget_line_unique"),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="budget_line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_category_display()}"


class Income(models.Model):
    """Income received, by source: one ledger entry crediting the source's income account.

    Rent is not recorded here: it is earned when a ``RentInvoice`` is issued and collected with
    rent payments."""

    community = models.ForeignKey(**_community_fk)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="incomes", verbose_name=_("enterprise"))
    source = models.CharField(_("source"), max_length=12, choices=IncomeSource.choices)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    received_on = models.DateField(_("received on"))
    payer = models.CharField(_("paid by"), max_length=100)
    memo = models.CharField(_("memo"), max_length=150)
    transaction = models.OneToOneField(
        "ledger.Transaction", on_delete=models.PROTECT, related_name="+", verbose_name=_("ledger entry")
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    created_by = _user_fk(_("recorded by"))

    class Meta:
        verbose_name = _("income")
        verbose_name_plural = _("incomes")
        ordering = ["-received_on", "-pk"]
        constraints = [
            # 收支两条线: income is a positive amount into an income account, never a negative cost.
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="income_amount_positive"),
            models.UniqueConstraint(fields=["enterprise", "idempotency_key"], name="income_idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.amount_fen}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved, to be paid")
    PAID = "paid", _("Paid")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Withdrawn")


OPEN_STATUSES = (RequestStatus.PENDING, RequestStatus.APPROVED, RequestStatus.PAID)


class ExpenseRequest(models.Model):
    """A request to spend against a budget line; the only way money leaves the enterprise.

    ``chain`` is the list of approvers required for the amount, fixed when the request is
    raised (a later change of the subdistrict's levels does not move a request under way);
    ``approved_levels`` counts how many of them have approved, in order.
    """

    community = models.ForeignKey(**_community_fk)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="expense_requests", verbose_name=_("enterprise")
    )
    budget_line = models.ForeignKey(
        BudgetLine, on_delete=models.PROTECT, related_name="requests", verbose_name=_("budget line")
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    payee = models.CharField(_("payee"), max_length=100)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    chain = models.JSONField(_("approval chain"), default=list)
    approved_levels = models.PositiveSmallIntegerField(_("levels approved"), default=0)
    split_suspected = models.BooleanField(_("possible split purchase"), default=False)
    split_note = models.CharField(_("split purchase note"), max_length=300, blank=True)
    budget_alert = models.BooleanField(_("budget line nearly used up"), default=False)
    over_budget_reason = models.CharField(_("reason for exceeding the budget"), max_length=300, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, null=True, blank=True)
    created_at = models.DateTimeField(_("raised at"), default=timezone.now)
    created_by = _user_fk(_("raised by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_by = _user_fk(_("paid by"))
    transaction = models.OneToOneField(
        "ledger.Transaction", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("ledger entry"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expense request")
        verbose_name_plural = _("expense requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["community", "status"], name="expense_request_status")]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="expense_request_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(transaction__isnull=False), name="expense_request_paid_has_entry"
            ),
            models.UniqueConstraint(
                fields=["enterprise", "idempotency_key"], name="expense_request_idempotency_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.purpose}"

    @property
    def number(self) -> str:
        return f"ZC-{self.community_id}-{self.created_at:%Y}-{self.pk:05d}"

    @property
    def next_approver(self) -> str | None:
        if self.status != RequestStatus.PENDING or self.approved_levels >= len(self.chain):
            return None
        return self.chain[self.approved_levels]

    @property
    def next_approver_label(self) -> str:
        nxt = self.next_approver
        return Approver(nxt).label if nxt else ""

    @property
    def chain_labels(self) -> list[str]:
        return [str(Approver(a).label) for a in self.chain]


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")


class Approval(models.Model):
    """One level's decision on a request. ``level`` is the 1-based position in the chain."""

    community = models.ForeignKey(**_community_fk)
    request = models.ForeignKey(
        ExpenseRequest, on_delete=models.PROTECT, related_name="approvals", verbose_name=_("request")
    )
    level = models.PositiveSmallIntegerField(_("level"))
    approver = models.CharField(_("approved as"), max_length=24, choices=Approver.choices)
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    meeting_date = models.DateField(_("meeting date"), null=True, blank=True)
    minutes_ref = models.CharField(_("minutes reference"), max_length=100, blank=True)
    decided_by = _user_fk(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["request", "level"]
        constraints = [
            # One decision per level: two approvers tapping at once cannot both approve level 2.
            models.UniqueConstraint(fields=["request", "level"], name="approval_one_per_level"),
            models.CheckConstraint(
                condition=~Q(approver="collective", decision="approve")
                | (Q(meeting_date__isnull=False) & ~Q(minutes_ref="")),
                name="approval_collective_has_minutes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} L{self.level} {self.decision}"


class InvoiceStatus(models.TextChoices):
    OPEN = "open", _("Unpaid")
    PART = "part", _("Partly paid")
    PAID = "paid", _("Paid")


class RentInvoice(models.Model):
    """A month's rent owed by a partner under a signed agreement (one per agreement and month)."""

    community = models.ForeignKey(**_community_fk)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="rent_invoices", verbose_name=_("enterprise")
    )
    agreement = models.ForeignKey(
        "partners.Agreement", on_delete=models.PROTECT, related_name="+", verbose_name=_("agreement")
    )
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="+", verbose_name=_("partner"))
    period = models.DateField(_("month"), help_text=_("The first day of the month."))
    amount_fen = models.BigIntegerField(_("rent (fen)"))
    paid_fen = models.BigIntegerField(_("paid (fen)"), default=0)
    due_on = models.DateField(_("due on"))
    area_m2 = models.PositiveIntegerField(_("area (m²)"), default=0)
    rooms = models.CharField(_("rooms"), max_length=200, blank=True)
    transaction = models.OneToOneField(
        "ledger.Transaction", on_delete=models.PROTECT, related_name="+", verbose_name=_("ledger entry")
    )
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rent invoice")
        verbose_name_plural = _("rent invoices")
        ordering = ["-period", "partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "period"], name="rent_invoice_one_per_month"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="rent_invoice_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid_fen__gte=0, paid_fen__lte=F("amount_fen")), name="rent_invoice_paid_within_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.period:%Y-%m}"

    @property
    def outstanding_fen(self) -> int:
        return self.amount_fen - self.paid_fen

    @property
    def status(self) -> str:
        if self.paid_fen >= self.amount_fen:
            return InvoiceStatus.PAID
        return InvoiceStatus.PART if self.paid_fen else InvoiceStatus.OPEN

    @property
    def status_label(self) -> str:
        return InvoiceStatus(self.status).label

    @property
    def overdue(self) -> bool:
        return self.outstanding_fen > 0 and self.due_on < timezone.localdate()


class RentPayment(models.Model):
    """Money received against a rent invoice (cash in, receivable down)."""

    community = models.ForeignKey(**_community_fk)
    invoice = models.ForeignKey(RentInvoice, on_delete=models.PROTECT, related_name="payments", verbose_name=_("invoice"))
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    paid_on = models.DateField(_("paid on"))
    transaction = models.OneToOneField(
        "ledger.Transaction", on_delete=models.PROTECT, related_name="+", verbose_name=_("ledger entry")
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    created_by = _user_fk(_("recorded by"))

    class Meta:
        verbose_name = _("rent payment")
        verbose_name_plural = _("rent payments")
        ordering = ["-paid_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="rent_payment_positive"),
            models.UniqueConstraint(fields=["invoice", "idempotency_key"], name="rent_payment_idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.amount_fen}"


class ShareTransfer(models.Model):
    """A partner's revenue share for a period, passed to the hosting charity (which holds the
    community development fund), where the partner's agreement says so."""

    community = models.ForeignKey(**_community_fk)
    agreement = models.ForeignKey(
        "partners.Agreement", on_delete=models.PROTECT, related_name="+", verbose_name=_("agreement")
    )
    period = models.DateField(_("month"))
    revenue_fen = models.BigIntegerField(_("partner's revenue (fen)"))
    cost_fen = models.BigIntegerField(_("partner's costs (fen)"), default=0)
    share_fen = models.BigIntegerField(_("share (fen)"))
    transaction = models.OneToOneField(
        "ledger.Transaction", on_delete=models.PROTECT, related_name="+", verbose_name=_("ledger entry")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    created_by = _user_fk(_("recorded by"))

    class Meta:
        verbose_name = _("revenue share transfer")
        verbose_name_plural = _("revenue share transfers")
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "period"], name="share_transfer_one_per_month"),
            models.CheckConstraint(condition=Q(share_fen__gt=0), name="share_transfer_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.period:%Y-%m}"


class MonthlyStatement(models.Model):
    """A month's income and expense statement, published for everyone to read.

    The totals are a snapshot taken from the ledger when published, with the book's head
    (entry number and hash) at that moment, so anyone can later check that the book still holds
    exactly that history (ledger.verify)."""

    community = models.ForeignKey(**_community_fk)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="statements", verbose_name=_("enterprise")
    )
    month = models.DateField(_("month"))
    income_fen = models.BigIntegerField(_("income (fen)"))
    expense_fen = models.BigIntegerField(_("spending (fen)"))
    head_seq = models.PositiveBigIntegerField(_("book entry number"))
    head_hash = models.CharField(_("book hash"), max_length=64)
    note = models.TextField(_("note"), blank=True)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = _user_fk(_("published by"))

    class Meta:
        verbose_name = _("monthly statement")
        verbose_name_plural = _("monthly statements")
        ordering = ["enterprise", "-month"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "month"], name="statement_one_per_month")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.month:%Y-%m}"


class Question(models.Model):
    """A resident's question (居民质询) about one entry of a published statement."""

    community = models.ForeignKey(**_community_fk)
    statement = models.ForeignKey(
        MonthlyStatement, on_delete=models.PROTECT, related_name="questions", verbose_name=_("statement")
    )
    transaction = models.ForeignKey(
        "ledger.Transaction", on_delete=models.PROTECT, related_name="+", verbose_name=_("entry")
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by")
    )
    text = models.TextField(_("question"))
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    due_at = models.DateTimeField(_("answer due by"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = _user_fk(_("answered by"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resident's question")
        verbose_name_plural = _("residents' questions")
        ordering = ["-asked_at"]
        indexes = [models.Index(fields=["community", "answered_at", "due_at"], name="question_open_due")]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def overdue(self) -> bool:
        return self.answered_at is None and self.due_at < timezone.now()

"""Community partners (社区合伙人): recruitment calls, applications, partners, their staff,
cooperation agreements with public-welfare commitments and revenue-share rules, evaluations.

Every row carries ``community`` (the tenant key). Status fields change only through
``partners.services`` (conditional updates, each step written to ``StatusChange``); the models
hold what the database can guarantee: uniqueness and value ranges.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.phone import mask_phone


class PartnerKind(models.TextChoices):
    TRAINING = "training", _("Training")  # 社培合伙人
    ELDER_CARE = "elder_care", _("Elder care and wellbeing")  # 养老 / 康养
    CATERING = "catering", _("Catering")  # 餐饮
    MEDICAL = "medical", _("Medical")  # 医疗
    PROPERTY = "property", _("Property management")  # 物业
    MERCHANT = "merchant", _("Friendly merchant")  # 商户 / 友好合伙商家
    GREENING = "greening", _("Greening")  # 绿美合伙人
    NEIGHBOUR = "neighbour", _("Neighbour (individual)")  # 个人 / 邻里合伙人


class PartyType(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    INDIVIDUAL = "individual", _("Individual resident")


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class PartnerStatus(models.TextChoices):
    APPROVED = "approved", _("Approved, agreement not yet signed")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    EXITED = "exited", _("Exited")


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    STAFF = "staff", _("Staff")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")
    TERMINATED = "terminated", _("Terminated early")
    CANCELLED = "cancelled", _("Cancelled before signing")


class CostBearer(models.TextChoices):
    PARTNER = "partner", _("The partner")
    COMMUNITY = "community", _("The community")
    SHARED = "shared", _("Shared")


class ShareBasis(models.TextChoices):
    NONE = "none", _("No revenue share")
    REVENUE = "revenue", _("Share of revenue")
    PROFIT = "profit", _("Share of profit")


class ShareRecipient(models.TextChoices):
    COMMUNITY_FUND = "community_fund", _("The community development fund")
    CHARITY = "charity", _("The hosting charity, earmarked for the community")


class SettlementPeriod(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class CommitmentPeriod(models.TextChoices):
    MONTH = "month", _("per month")
    QUARTER = "quarter", _("per quarter")
    YEAR = "year", _("per year")
    TERM = "term", _("over the agreement term")


class EntrySource(models.TextChoices):
    STAFF = "staff", _("Community staff")
    PARTNER = "partner", _("The partner")
    SYSTEM = "system", _("Service records")


class Recommendation(models.TextChoices):
    RENEW = "renew", _("Renew the agreement")
    CONTINUE = "continue", _("Continue as agreed")
    IMPROVE = "improve", _("Continue, with improvements required")
    SUSPEND = "suspend", _("Suspend")
    EXIT = "exit", _("End the partnership")


class LogEntity(models.TextChoices):
    CALL = "call", _("Recruitment call")
    APPLICATION = "application", _("Application")
    PARTNER = "partner", _("Partner")
    AGREEMENT = "agreement", _("Agreement")


ACTION_LABELS = {
    "create": _("Created"),
    "submit": _("Submitted"),
    "publish": _("Published"),
    "close": _("Closed"),
    "approve": _("Approved"),
    "reject": _("Rejected"),
    "activate": _("Became active"),
    "suspend": _("Suspended"),
    "reinstate": _("Reinstated"),
    "exit": _("Exited"),
    "member_add": _("Staff member added"),
    "member_remove": _("Staff member removed"),
    "evaluate": _("Evaluated"),
    "sign": _("Signed"),
    "terminate": _("Terminated"),
    "cancel": _("Cancelled"),
    "renew": _("Renewal drafted"),
}

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


class RecruitmentCall(models.Model):
    """A public call for partners (招募令): what the community offers and whom it seeks."""

    community = models.ForeignKey(**_community_fk)
    title = models.CharField(_("title"), max_length=100)
    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two sentences, shown in lists and shares.")
    )
    body = models.TextField(
        _("details"), blank=True, help_text=_("Who the community seeks, conditions, how it reviews.")
    )
    kinds = models.JSONField(_("kinds of partner sought"), default=list, blank=True)
    spaces_offered = models.TextField(_("spaces offered"), blank=True, help_text=_("Rooms, areas and times on offer."))
    opens_on = models.DateField(_("open from"), null=True, blank=True)
    closes_on = models.DateField(_("open until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=CallStatus.choices, default=CallStatus.DRAFT)
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recruitment call")
        verbose_name_plural = _("recruitment calls")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["community", "status"], name="call_community_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True) | Q(closes_on__isnull=True) | Q(closes_on__gte=F("opens_on")),
                name="call_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def kind_labels(self) -> list[str]:
        labels = dict(PartnerKind.choices)
        return [str(labels[k]) for k in self.kinds if k in labels]

    def is_accepting(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status == CallStatus.OPEN
            and (self.opens_on is None or self.opens_on <= today)
            and (self.closes_on is None or today <= self.closes_on)
        )


class Application(models.Model):
    """An organisation's or a person's application to become a partner, answering a call."""

    community = models.ForeignKey(**_community_fk)
    call = models.ForeignKey(
        RecruitmentCall, on_delete=models.PROTECT, related_name="applications", verbose_name=_("recruitment call")
    )
    party_type = models.CharField(_("applying as"), max_length=12, choices=PartyType.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=PartnerKind.choices)
    name = models.CharField(_("name"), max_length=100)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    licence_no = models.CharField(_("licence or certificate number"), max_length=40, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact mobile number"), max_length=11)
    services = models.TextField(_("services offered"))
    welfare_offer = models.TextField(_("free or low-cost services offered"), blank=True)
    space_needs = models.TextField(_("rooms and times wanted"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    review_reason = models.CharField(_("review reason"), max_length=300, blank=True)
    reviewed_by = _user_fk(_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner application")
        verbose_name_plural = _("partner applications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["community", "status"], name="application_community_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(party_type=PartyType.INDIVIDUAL) | ~Q(credit_code=""),
                name="application_organisation_has_credit_code",
            ),
            models.UniqueConstraint(
                fields=["call", "credit_code"], condition=~Q(credit_code=""), name="application_one_per_code_per_call"
            ),
            models.UniqueConstraint(fields=["call", "contact_phone"], name="application_one_per_phone_per_call"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def contact_phone_masked(self) -> str:
        return mask_phone(self.contact_phone)


def _document_path(instance: ApplicationDocument, filename: str) -> str:
    # A random name: the path must not carry the applicant's name, and is not guessable.
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"partners/applications/{instance.community_id}/{uuid.uuid4().hex}{suffix}"


class ApplicationDocument(models.Model):
    """A licence scan or certificate attached to an application (PDF, JPEG or PNG, size-limited).

    Served only through a scoped view, never from a public URL."""

    community = models.ForeignKey(**_community_fk)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="documents", verbose_name=_("application")
    )
    file = models.FileField(_("file"), upload_to=_document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class Partner(models.Model):
    """A community partner: an organisation or a resident working with the community."""

    community = models.ForeignKey(**_community_fk)
    kind = models.CharField(_("kind"), max_length=12, choices=PartnerKind.choices)
    party_type = models.CharField(_("party"), max_length=12, choices=PartyType.choices)
    name = models.CharField(_("name"), max_length=100)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    licence_no = models.CharField(_("licence or certificate number"), max_length=40, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact mobile number"), max_length=11, blank=True)
    services = models.TextField(_("services offered"), help_text=_("Shown on the community's public page."))
    description = models.TextField(_("introduction"), blank=True, help_text=_("Shown on the community's public page."))
    status = models.CharField(_("status"), max_length=12, choices=PartnerStatus.choices, default=PartnerStatus.APPROVED)
    application = models.OneToOneField(
        Application,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partner",
        verbose_name=_("application"),
    )
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        indexes = [models.Index(fields=["community", "status"], name="partner_community_status")]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="partner_unique_name_in_community"),
            models.UniqueConstraint(
                fields=["community", "credit_code"],
                condition=~Q(credit_code=""),
                name="partner_unique_code_in_community",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def contact_phone_masked(self) -> str:
        return mask_phone(self.contact_phone)


class PartnerMember(models.Model):
    """A login that works for a partner. Partner staff reach their own partner's records only."""

    community = models.ForeignKey(**_community_fk)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="members", verbose_name=_("partner"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=8, choices=MemberRole.choices, default=MemberRole.STAFF)
    added_by = _user_fk(_("added by"))
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner staff member")
        verbose_name_plural = _("partner staff members")
        constraints = [models.UniqueConstraint(fields=["partner", "user"], name="partnermember_once_per_partner")]
        indexes = [models.Index(fields=["user", "partner"], name="partnermember_user")]

    def __str__(self) -> str:
        return f"{self.user} · {self.partner}"


class StatusChange(models.Model):
    """Every step of the lifecycle, with who and when: the partner's file reads from here."""

    community = models.ForeignKey(**_community_fk)
    entity = models.CharField(_("what"), max_length=12, choices=LogEntity.choices)
    object_id = models.BigIntegerField(_("record"))
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, null=True, blank=True, related_name="log", verbose_name=_("partner")
    )
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    actor = _user_fk(_("who"))
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("partner status change")
        verbose_name_plural = _("partner status changes")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["community", "entity", "object_id"], name="statuschange_subject"),
            models.Index(fields=["partner", "-created_at"], name="statuschange_partner_time"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.object_id}: {self.action}"

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    def _status_label(self, value: str) -> str:
        choices = {
            LogEntity.CALL: CallStatus,
            LogEntity.APPLICATION: ApplicationStatus,
            LogEntity.PARTNER: PartnerStatus,
            LogEntity.AGREEMENT: AgreementStatus,
        }[self.entity]
        return str(dict(choices.choices).get(value, value))

    @property
    def from_label(self) -> str:
        return self._status_label(self.from_status) if self.from_status else ""

    @property
    def to_label(self) -> str:
        return self._status_label(self.to_status) if self.to_status else ""


class Agreement(models.Model):
    """A cooperation agreement (合作协议): term, rooms and slots, costs, commitments, revenue share.

    Revenue share: ``share_bp`` basis points (1/100 of a percent; 3000 = 30%) of the partner's
    revenue or profit from the services run under this agreement, settled monthly or quarterly to
    the community fund or to the hosting charity earmarked for the community. Stored as data; the
    money is posted by the ledger-side apps (see docs/partners.md).
    """

    community = models.ForeignKey(**_community_fk)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("partner"))
    renews = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="renewals", verbose_name=_("renews")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    space_terms = models.TextField(_("what the community provides"), blank=True)
    monthly_rent_fen = models.BigIntegerField(_("monthly rent (fen)"), default=0)
    utilities_paid_by = models.CharField(
        _("water and power paid by"), max_length=10, choices=CostBearer.choices, default=CostBearer.PARTNER
    )
    running_costs_paid_by = models.CharField(
        _("running costs paid by"), max_length=10, choices=CostBearer.choices, default=CostBearer.PARTNER
    )
    cost_notes = models.TextField(_("notes on costs"), blank=True)
    service_terms = models.TextField(
        _("services and prices"), blank=True, help_text=_("e.g. discounts for older residents.")
    )
    share_basis = models.CharField(
        _("revenue share"), max_length=8, choices=ShareBasis.choices, default=ShareBasis.NONE
    )
    share_bp = models.PositiveIntegerField(_("share (basis points)"), default=0, help_text=_("3000 = 30%."))
    share_recipient = models.CharField(
        _("share paid to"), max_length=16, choices=ShareRecipient.choices, default=ShareRecipient.COMMUNITY_FUND
    )
    share_recipient_name = models.CharField(
        _("recipient name"), max_length=100, blank=True, help_text=_("e.g. 鹤山市慈善会, when paid to a charity.")
    )
    settlement_period = models.CharField(
        _("settled"), max_length=10, choices=SettlementPeriod.choices, default=SettlementPeriod.QUARTERLY
    )
    community_signatory = models.CharField(_("signs for the community"), max_length=50, blank=True)
    partner_signatory = models.CharField(_("signs for the partner"), max_length=50, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by = _user_fk(_("signing recorded by"))
    terminated_at = models.DateTimeField(_("terminated at"), null=True, blank=True)
    termination_reason = models.CharField(_("reason for termination"), max_length=300, blank=True)
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["community", "status"], name="agreement_community_status")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="agreement_ends_after_start"),
            models.CheckConstraint(condition=Q(share_bp__lte=10000), name="agreement_share_at_most_all"),
            models.CheckConstraint(
                condition=(Q(share_basis=ShareBasis.NONE) & Q(share_bp=0))
                | (~Q(share_basis=ShareBasis.NONE) & Q(share_bp__gt=0)),
                name="agreement_share_basis_matches_rate",
            ),
            models.CheckConstraint(condition=Q(monthly_rent_fen__gte=0), name="agreement_rent_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.partner}"

    @property
    def number(self) -> str:
        """Printed on the agreement: community, year of start and the row id, e.g. HZ-12-2025-00031."""
        return f"HZ-{self.community_id}-{self.starts_on:%Y}-{self.pk:05d}"

    @property
    def share_percent(self) -> str:
        """3000 → "30", 1250 → "12.5": for people, who think in percent."""
        whole, rest = divmod(self.share_bp, 100)
        return f"{whole}" if not rest else f"{whole}.{rest:02d}".rstrip("0")

    def in_force_on(self, day) -> bool:
        return self.status == AgreementStatus.SIGNED and self.starts_on <= day <= self.ends_on

    @property
    def in_force(self) -> bool:
        return self.in_force_on(timezone.localdate())


class Commitment(models.Model):
    """A measurable public-welfare commitment: "free tutoring for 8 children in hardship",
    "10 free activities a year", "a free haircut day every month"."""

    community = models.ForeignKey(**_community_fk)
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("agreement")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("partner")
    )
    title = models.CharField(_("commitment"), max_length=200)
    metric = models.CharField(_("what is counted"), max_length=50, help_text=_("e.g. children tutored free"))
    unit = models.CharField(_("unit"), max_length=10, blank=True, help_text=_("e.g. 名, 场, 次"))
    target = models.PositiveIntegerField(_("target"))
    period = models.CharField(
        _("period"), max_length=8, choices=CommitmentPeriod.choices, default=CommitmentPeriod.TERM
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("public-welfare commitment")
        verbose_name_plural = _("public-welfare commitments")
        ordering = ["sort_order", "pk"]
        constraints = [models.CheckConstraint(condition=Q(target__gt=0), name="commitment_target_positive")]

    def __str__(self) -> str:
        return self.title


class CommitmentEntry(models.Model):
    """Progress on a commitment: recorded by staff or the partner now, fed by service records later
    (``source_type``/``source_id`` make that feed idempotent)."""

    community = models.ForeignKey(**_community_fk)
    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, related_name="entries", verbose_name=_("commitment")
    )
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+", verbose_name=_("partner"))
    occurred_on = models.DateField(_("date"))
    quantity = models.PositiveIntegerField(_("quantity"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_as = models.CharField(_("recorded by"), max_length=8, choices=EntrySource.choices)
    recorded_by = _user_fk(_("recorded by"))
    source_type = models.CharField(max_length=50, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commitment progress entry")
        verbose_name_plural = _("commitment progress entries")
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["commitment", "occurred_on"], name="entry_commitment_day")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="entry_quantity_positive"),
            models.UniqueConstraint(
                fields=["source_type", "source_id"], condition=Q(source_id__isnull=False), name="entry_once_per_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id} · {self.occurred_on} · {self.quantity}"


class Evaluation(models.Model):
    """A periodic evaluation: the staff's score and the residents' ratings over the period."""

    community = models.ForeignKey(**_community_fk)
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("partner")
    )
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("agreement")
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    staff_score = models.PositiveSmallIntegerField(_("staff score (1–5)"))
    resident_score_x100 = models.PositiveSmallIntegerField(
        _("residents' average rating × 100"),
        null=True,
        blank=True,
        help_text=_("Snapshot when the evaluation was made."),
    )
    resident_ratings = models.PositiveIntegerField(_("residents' ratings"), default=0)
    comment = models.TextField(_("comment"), blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=10, choices=Recommendation.choices)
    evaluated_by = _user_fk(_("evaluated by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner evaluation")
        verbose_name_plural = _("partner evaluations")
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(staff_score__gte=1, staff_score__lte=5), name="evaluation_score_1_to_5"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="evaluation_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} · {self.period_start}–{self.period_end}"

    @property
    def resident_score(self) -> float | None:
        return None if self.resident_score_x100 is None else self.resident_score_x100 / 100


class ServiceRating(models.Model):
    """A resident's rating (1–5) of a partner's services; one per resident, partner and month."""

    community = models.ForeignKey(**_community_fk)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("partner"))
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("by")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month rated."))
    score = models.PositiveSmallIntegerField(_("rating (1–5)"))
    comment = models.CharField(_("comment"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service rating")
        verbose_name_plural = _("service ratings")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"),
            models.UniqueConstraint(fields=["partner", "rated_by", "month"], name="rating_once_a_month"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} · {self.month:%Y-%m} · {self.score}"


class ContactReveal(models.Model):
    """Who saw a partner's or applicant's full contact number, when and why (PIPL)."""

    community = models.ForeignKey(**_community_fk)
    entity = models.CharField(_("what"), max_length=12, choices=LogEntity.choices)
    object_id = models.BigIntegerField(_("record"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("partner contact access")
        verbose_name_plural = _("partner contact accesses")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.entity} {self.object_id} · {self.actor_id}"


class AgreementSlot(models.Model):
    """A room and weekly time slot granted by an agreement ("画室, Mon–Fri 16:30–18:30").

    Signing books it for the term as one recurring booking in the spaces app (``series``); a
    renewal copies the slots and books its own term."""

    community = models.ForeignKey(**_community_fk)
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="slots", verbose_name=_("agreement")
    )
    room = models.ForeignKey("spaces.Room", on_delete=models.PROTECT, related_name="+", verbose_name=_("room"))
    weekdays = models.JSONField(_("weekdays"), help_text=_("0 = Monday … 6 = Sunday."))
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("to"))
    series = models.ForeignKey(
        "spaces.BookingSeries",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recurring booking"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("room and time slot")
        verbose_name_plural = _("rooms and time slots")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="agreementslot_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.room_id} · {self.weekdays} · {self.start_time:%H:%M}–{self.end_time:%H:%M}"

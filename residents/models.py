from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.phone import mask_phone
from linli.encrypted_fields import BlindIndexField, EncryptedJSONField, EncryptedTextField, index_value
from residents.idcard import mask_id_number

# Which column each value is encrypted or indexed for (authenticated with the ciphertext, and
# mixed into the HMAC, so a value copied into another column neither decrypts nor matches).
ID_NUMBER_PURPOSE = "residents.resident.id_number"
PHONE_PURPOSE = "residents.resident.phone"
PHONE_TAIL_PURPOSE = "residents.resident.phone.tail"
SENSITIVE_TAGS_PURPOSE = "residents.resident.sensitive_tags"


def id_number_index(number: str) -> str:
    """The blind index of an ID number: look residents up with ``id_number_hash=…``."""
    return index_value(number, purpose=ID_NUMBER_PURPOSE)


def phone_index(phone: str) -> str:
    return index_value(phone, purpose=PHONE_PURPOSE)


def phone_tail_index(last_four: str) -> str:
    return index_value(last_four, purpose=PHONE_TAIL_PURPOSE, tail=4)


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class VulnerableTag(models.Model):
    """A vulnerable-group label (特殊群体): configurable by the city.

    A tag with ``min_age`` applies by itself to everyone that old (80+ elderly); other tags are
    given to a resident by staff (children in hardship, 低保 households, disabled).
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)
    min_age = models.PositiveSmallIntegerField(_("applies from age"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Disability, hardship, subsistence allowance, health: sensitive personal information
    # (PIPL art. 28). A resident's membership of such a group is kept encrypted
    # (``Resident.sensitive_tags``), never as a row of the tags table.
    sensitive = models.BooleanField(
        _("sensitive"), default=False, help_text=_("Membership is sensitive personal information and is stored encrypted.")
    )

    class Meta:
        verbose_name = _("vulnerable-group tag")
        verbose_name_plural = _("vulnerable-group tags")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    """A household at one address (户). Members are residents pointing here."""

    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    grid = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("grid"))
    building = models.ForeignKey(
        "orgs.OrgNode", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("building")
    )
    unit = models.CharField(_("unit"), max_length=10, blank=True)
    room = models.CharField(_("room"), max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.UniqueConstraint(fields=["community", "building", "unit", "room"], name="household_one_per_address")
        ]

    def __str__(self) -> str:
        return self.address

    @property
    def address(self) -> str:
        parts = [self.building.name if self.building_id else "", f"{self.unit}单元" if self.unit else "", f"{self.room}室" if self.room else ""]
        return "".join(parts)


class Resident(models.Model):
    """A person living in a community. ID and phone numbers are sensitive personal information:
    they are masked everywhere unless a permitted role reveals them (and the reveal is logged)."""

    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    grid = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("grid"))
    building = models.ForeignKey(
        "orgs.OrgNode", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("building")
    )
    unit = models.CharField(_("unit"), max_length=10, blank=True)
    room = models.CharField(_("room"), max_length=10, blank=True)
    household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="members", verbose_name=_("household")
    )

    name = models.CharField(_("name"), max_length=50)
    name_pinyin = models.CharField(max_length=120, editable=False, db_index=True)
    name_initials = models.CharField(max_length=30, editable=False, db_index=True)
    # Encrypted in the column (linli/encrypted_fields.py); lookups go through the blind indexes.
    id_number = EncryptedTextField(_("ID number"), purpose=ID_NUMBER_PURPOSE)
    id_number_hash = BlindIndexField(source="id_number", purpose=ID_NUMBER_PURPOSE, db_index=True)
    birth_date = models.DateField(_("birth date"))
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    phone = EncryptedTextField(_("mobile number"), purpose=PHONE_PURPOSE, blank=True, default="")
    phone_hash = BlindIndexField(source="phone", purpose=PHONE_PURPOSE, db_index=True)
    phone_tail_hash = BlindIndexField(source="phone", purpose=PHONE_TAIL_PURPOSE, tail=4, db_index=True)
    # Groups that are not sensitive (living alone); sensitive ones are in ``sensitive_tags``.
    tags = models.ManyToManyField(VulnerableTag, blank=True, related_name="residents", verbose_name=_("tags"))
    # Codes of the sensitive groups the resident belongs to, comma-separated, encrypted and padded
    # so that neither the value nor its length says whether there are any.
    sensitive_tags = EncryptedTextField(
        _("sensitive groups"), purpose=SENSITIVE_TAGS_PURPOSE, pad_to=64, blank=True, default="", editable=False
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resident",
        verbose_name=_("login account"),
    )
    # Moved out of the community (the day staff recorded): the personal data is anonymised once
    # LINLI_RETENTION_DAYS["moved_out"] days have passed (residents.services_privacy).
    left_on = models.DateField(_("moved out on"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[tags])

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        constraints = [
            models.UniqueConstraint(fields=["community", "id_number_hash"], name="resident_unique_id_hash_in_community"),
        ]
        indexes = [
            models.Index(fields=["community", "grid"], name="resident_community_grid"),
            models.Index(fields=["community", "birth_date"], name="resident_community_birth"),
        ]

    def __str__(self) -> str:
        return self.name

    # The blind indexes follow their source fields; a save limited to ``update_fields`` that
    # names a source must write its index too, or the index would go stale.
    _INDEXES = {"id_number": ("id_number_hash",), "phone": ("phone_hash", "phone_tail_hash")}

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            extra = [i for source, idx in self._INDEXES.items() if source in update_fields for i in idx]
            kwargs["update_fields"] = list(dict.fromkeys([*update_fields, *extra]))
        super().save(*args, **kwargs)

    @property
    def sensitive_tag_codes(self) -> list[str]:
        return [code for code in (self.sensitive_tags or "").split(",") if code]

    def age_on(self, day: dt.date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def address(self) -> str:
        parts = [
            self.building.name if self.building_id else "",
            f"{self.unit}单元" if self.unit else "",
            f"{self.room}室" if self.room else "",
        ]
        return "".join(parts)


class RevealField(models.TextChoices):
    ID_NUMBER = "id_number", _("ID number")
    PHONE = "phone", _("mobile number")
    EXPORT = "export", _("full export")


class RevealLog(models.Model):
    """Who saw a resident's full ID or phone number, when and why (PIPL art. 51, MLPS audit)."""

    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="reveals", verbose_name=_("resident"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who"))
    field = models.CharField(_("what"), max_length=12, choices=RevealField.choices)
    reason = models.CharField(_("reason"), max_length=200)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("personal-data access")
        verbose_name_plural = _("personal-data accesses")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["community", "-created_at"], name="reveal_community_time")]

    def __str__(self) -> str:
        return f"{self.actor} · {self.get_field_display()} · {self.resident}"


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Awaiting confirmation")
    IMPORTED = "imported", _("Imported")
    DISCARDED = "discarded", _("Discarded")


class ImportBatch(models.Model):
    """An uploaded Excel file of residents, checked row by row before anything is written."""

    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(_("file"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEW)
    # The file's rows hold ID and mobile numbers as typed: encrypted like the residents' own.
    rows = EncryptedJSONField(
        purpose="residents.importbatch.rows", pad_to=256, default=list, help_text="Parsed rows: [{row, values, errors}]"
    )
    total_rows = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    imported_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("resident import")
        verbose_name_plural = _("resident imports")
        constraints = [
            models.CheckConstraint(condition=Q(error_rows__lte=models.F("total_rows")), name="import_errors_le_total")
        ]

    def __str__(self) -> str:
        return self.filename


# --- Consent and deletion (PIPL art. 14, 29, 31, 47) -------------------------------------------

# Under this age a person's consent is their guardian's (PIPL art. 31).
GUARDIAN_AGE = 14


class ConsentPurpose(models.TextChoices):
    SENSITIVE = "sensitive", _("Processing of sensitive information (vulnerable groups)")
    WISH = "wish", _("Publishing a micro-wish")
    PHOTOS = "photos", _("Photos at activities")
    OTHER = "other", _("Other optional uses")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("Signed form")
    ORAL = "oral", _("Said so in person")
    ONLINE = "online", _("Online")


class ConsentRecord(models.Model):
    """One statement of consent or its withdrawal. Never changed: a withdrawal is a new record,
    and the latest record for a purpose is the resident's current choice."""

    community = models.ForeignKey(
        "orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="consents", verbose_name=_("resident"))
    purpose = models.CharField(_("purpose"), max_length=12, choices=ConsentPurpose.choices)
    granted = models.BooleanField(_("consents"))
    at = models.DateTimeField(_("when"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("recorded by")
    )
    method = models.CharField(_("how"), max_length=10, choices=ConsentMethod.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    guardian_name = models.CharField(_("guardian"), max_length=50, blank=True)
    guardian_relation = models.CharField(_("guardian's relation"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["resident", "purpose", "-at"], name="consent_resident_purpose_at")]

    def __str__(self) -> str:
        return f"{self.resident} · {self.get_purpose_display()} · {self.granted}"


class DeletionStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the community")
    DONE = "done", _("Carried out: your data was anonymised")
    REFUSED = "refused", _("Refused")


class DeletionRequest(models.Model):
    """A resident asks for their personal data to be deleted (PIPL art. 47). Staff carry it out
    (anonymise) or refuse it with the reason (a legal duty to keep subsidy records); both are
    kept and shown to the resident."""

    community = models.ForeignKey(
        "orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="deletion_requests", verbose_name=_("resident")
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    reason = models.CharField(_("why"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=DeletionStatus.choices, default=DeletionStatus.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("community's answer"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("deletion request")
        verbose_name_plural = _("deletion requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One open request per resident at a time; a decided one may be followed by another.
            models.UniqueConstraint(
                fields=["resident"], condition=Q(status="open"), name="deletion_one_open_per_resident"
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(decided_at__isnull=False), name="deletion_decided_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {self.get_status_display()}"

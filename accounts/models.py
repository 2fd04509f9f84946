from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.phone import mask_phone
from linli.encrypted_fields import BlindIndexField, EncryptedTextField, index_value

PHONE_PURPOSE = "accounts.user.phone"


def user_phone_index(phone: str | None) -> str:
    """The blind index of a normalised mobile number, as ``User.phone_hash`` holds it."""
    return index_value(phone, purpose=PHONE_PURPOSE)


class User(AbstractUser):
    """A person who can log in: staff, partner staff, officials, residents.

    Residents' personal records live in ``residents.Resident``; a resident who logs in has a
    User linked from there. ``phone`` is a login name too (residents rarely remember usernames):
    it is encrypted in its column like the resident's own number, and the log-in form, the
    lockout and the one-account-per-number rule look it up by its blind index ``phone_hash``
    (docs/decisions/0005-field-encryption.md). A resident's username is generated
    (``r`` and random letters), so it does not give the number away either.
    """

    phone = EncryptedTextField(_("mobile number"), purpose=PHONE_PURPOSE, null=True, blank=True)
    phone_hash = BlindIndexField(source="phone", purpose=PHONE_PURPOSE)
    display_name = models.CharField(_("display name"), max_length=50, blank=True)

    objects = UserManager()
    # Who changed an account and when; password hashes and login times stay out of history.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # One account per mobile number; accounts without one hold "" and are not counted.
            models.UniqueConstraint(fields=["phone_hash"], condition=~Q(phone_hash=""), name="user_unique_phone_hash"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        # The blind index follows the number: a save limited to ``update_fields`` that names
        # ``phone`` must write ``phone_hash`` too, or lookups would find the old number.
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "phone" in update_fields and "phone_hash" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "phone_hash"]
        super().save(*args, **kwargs)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone or "")


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for API clients (a mini-program, another government system).

    Only the SHA-256 of the token is stored; the token itself is shown once at creation.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate() -> tuple[str, str, str]:
        raw = "ll_" + secrets.token_urlsafe(32)
        return raw, raw[:8], _hash_token(raw)

    @staticmethod
    def digest_of(raw: str) -> str:
        return _hash_token(raw)

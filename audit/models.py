"""The security audit log: one append-only table of security-relevant events (等保 安全审计).

Who (the account and its name at the time), what (a kind from ``Kind`` and a short summary),
which object, in which community, when and from where (address and browser). Rows are only ever
added: the model refuses updates and deletes, the admin shows them read-only, and database
triggers (PostgreSQL and SQLite, migration 0002) refuse UPDATE and DELETE from any client,
an administrator's SQL shell included. Nothing is purged: the law asks for at least six months;
an operator archives older periods with the export (docs/audit.md).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed log-in")
    LOCKOUT = "lockout", _("Account locked out")
    LOGOUT = "logout", _("Logged out")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    ACCOUNT_DISABLED = "account_disabled", _("Account disabled")
    ACCOUNT_ENABLED = "account_enabled", _("Account enabled")
    ROLE_GRANTED = "role_granted", _("Role granted")
    ROLE_REVOKED = "role_revoked", _("Role revoked")
    REVEAL = "reveal", _("Full number revealed")
    EXPORT = "export", _("Export of personal data")
    APPROVAL = "approval", _("Money approved or refused")
    PAYMENT = "payment", _("Money paid out")
    AUDIT_EXPORT = "audit_export", _("Audit log exported")
    DELETION_REQUESTED = "deletion_requested", _("Deletion of personal data requested")
    DELETION_CARRIED_OUT = "deletion_done", _("Deletion request carried out")
    DELETION_REFUSED = "deletion_refused", _("Deletion request refused")
    ANONYMISED = "anonymised", _("Resident anonymised")


class AppendOnly(Exception):
    pass


class Event(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=24, choices=Kind.choices, db_index=True)
    # Plain ids, not foreign keys: a row must never change because a user or a community did.
    user_id = models.BigIntegerField(_("account id"), null=True, blank=True, db_index=True)
    username = models.CharField(_("account"), max_length=150, blank=True)
    community_id = models.BigIntegerField(_("community id"), null=True, blank=True, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["community_id", "-at"], name="audit_event_community_time")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnly("audit events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("audit events are never deleted")

"""Writing audit events: one function, and the receivers that call it when something
security-relevant happens anywhere in Linli (connected in ``AuditConfig.ready``).

The other apps do not call the audit app: each event is derived from what they already record
(the log-in signals, django-axes' lockout, role grants, the reveal log, the fund's steps and
payments, the enterprise's approvals, changes to accounts), so no write path can forget it.
"""

from __future__ import annotations

from django.utils import timezone

from audit.models import Event, Kind

_TEXT = 300


def _request_now():
    """The request being served, if any (django-simple-history keeps it for the thread)."""
    from simple_history.models import HistoricalRecords

    return getattr(HistoricalRecords.context, "request", None)


def client_address(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    kind: str,
    *,
    user=None,
    username: str = "",
    community_id: int | None = None,
    obj=None,
    summary: str = "",
    request=None,
) -> Event:
    """Append one event. ``request`` defaults to the one being served."""
    request = request if request is not None else _request_now()
    if user is None and request is not None and getattr(request, "user", None) is not None:
        if request.user.is_authenticated:
            user = request.user
    return Event.objects.create(
        at=timezone.now(),
        kind=kind,
        user_id=getattr(user, "pk", None),
        username=(getattr(user, "username", "") or username)[:150],
        community_id=community_id,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:_TEXT],
        ip_address=client_address(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:200],
    )


# --- Receivers -------------------------------------------------------------------------------


def on_login(sender, request, user, **kwargs) -> None:
    record(Kind.LOGIN, user=user, request=request)


def on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(Kind.LOGOUT, user=user, request=request)


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Never the password; and the name as the lockout counts it, not as typed: the account's
    # username, or a keyed hash when a mobile number (or other digits) matched no account, so a
    # resident who typed their number leaves it nowhere in clear (accounts.backends).
    from accounts.backends import login_name_for_log

    record(Kind.LOGIN_FAILED, username=login_name_for_log(str(credentials.get("username", "") or "")), request=request)


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    # ``username`` is what AXES_USERNAME_CALLABLE returned: already the account or the hash.
    record(Kind.LOCKOUT, username=str(username or "")[:150], request=request)


def on_user_saved(sender, instance, **kwargs) -> None:
    before = getattr(instance, "_audit_before", None)
    if before is None:
        return
    password, active = before
    if password and password != instance.password:
        record(Kind.PASSWORD_CHANGED, obj=instance, summary=instance.username)
    if active and not instance.is_active:
        record(Kind.ACCOUNT_DISABLED, obj=instance, summary=instance.username)
    elif not active and instance.is_active:
        record(Kind.ACCOUNT_ENABLED, obj=instance, summary=instance.username)


def on_user_saving(sender, instance, **kwargs) -> None:
    if instance.pk is None:
        instance._audit_before = None
        return
    row = sender.objects.filter(pk=instance.pk).values_list("password", "is_active").first()
    instance._audit_before = row


def on_grant_saved(sender, instance, created, **kwargs) -> None:
    node = instance.node
    community_id = node.community_id if hasattr(node, "community_id") else None
    who = f"{instance.user} · {instance.get_role_display()} · {node.name}"
    if created:
        record(Kind.ROLE_GRANTED, obj=instance, community_id=community_id, summary=who)
    elif instance.revoked_at is not None and getattr(instance, "_audit_was_active", True):
        record(Kind.ROLE_REVOKED, obj=instance, community_id=community_id, summary=who)


def on_grant_revoked(sender, instance, **kwargs) -> None:
    on_grant_saved(sender, instance, created=False)


def on_grant_saving(sender, instance, **kwargs) -> None:
    if instance.pk is not None:
        instance._audit_was_active = (
            sender.objects.filter(pk=instance.pk).values_list("revoked_at", flat=True).first() is None
        )


def on_reveal(sender, instance, created, **kwargs) -> None:
    if not created:
        return
    from residents.models import RevealField

    kind = Kind.EXPORT if instance.field == RevealField.EXPORT else Kind.REVEAL
    record(
        kind,
        user=instance.actor,
        obj=instance.resident,
        community_id=instance.community_id,
        summary=f"{instance.get_field_display()}: {instance.reason}",
    )


def on_deletion_requested(sender, request, **kwargs) -> None:
    record(
        Kind.DELETION_REQUESTED,
        user=request.requested_by,
        obj=request,
        community_id=request.community_id,
        summary=f"#{request.resident_id}",
    )


def on_deletion_decided(sender, request, **kwargs) -> None:
    from residents.models import DeletionStatus

    kind = Kind.DELETION_CARRIED_OUT if request.status == DeletionStatus.DONE else Kind.DELETION_REFUSED
    record(
        kind,
        user=request.decided_by,
        obj=request,
        community_id=request.community_id,
        summary=f"#{request.resident_id}: {request.decision_note}".strip(),
    )


def on_anonymised(sender, resident, user=None, reason="", **kwargs) -> None:
    # The resident's id only: the name is gone, and the log must not keep it either.
    record(Kind.ANONYMISED, user=user, obj=resident, community_id=resident.community_id, summary=reason)


_FUND_APPROVALS = {"charity_approve", "charity_return", "committee_pass", "committee_fail"}


def on_fund_step(sender, instance, created, **kwargs) -> None:
    if created and (instance.action in _FUND_APPROVALS or instance.action.startswith("vote_")):
        record(
            Kind.APPROVAL,
            user=instance.actor,
            obj=instance.spending_request,
            community_id=instance.community_id,
            summary=f"{instance.action} {instance.reason}".strip(),
        )


def on_fund_payment(sender, instance, created, **kwargs) -> None:
    if created:
        record(
            Kind.PAYMENT,
            obj=instance.spending_request,
            community_id=instance.community_id,
            summary=f"¥{instance.amount_fen / 100:.2f} → {instance.payee}",
        )


def on_enterprise_approval(sender, instance, created, **kwargs) -> None:
    if created:
        record(
            Kind.APPROVAL,
            obj=instance.request,
            community_id=instance.community_id,
            summary=f"{instance.get_approver_display()} {instance.get_decision_display()} {instance.note}".strip(),
        )

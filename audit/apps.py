from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.db.models.signals import post_save, pre_save

        from audit import services as s
        from enterprise.models import Approval
        from fund.models import Payment, StepLog
        from orgs.models import RoleGrant
        from orgs.navigation import NavItem, register
        from orgs.roles import Cap
        from orgs.services import role_revoked
        from residents import services_privacy as privacy
        from residents.models import RevealLog

        user_logged_in.connect(s.on_login, dispatch_uid="audit-login")
        user_logged_out.connect(s.on_logout, dispatch_uid="audit-logout")
        user_login_failed.connect(s.on_login_failed, dispatch_uid="audit-login-failed")
        user_locked_out.connect(s.on_locked_out, dispatch_uid="audit-lockout")
        user = get_user_model()
        pre_save.connect(s.on_user_saving, sender=user, dispatch_uid="audit-user-before")
        post_save.connect(s.on_user_saved, sender=user, dispatch_uid="audit-user")
        pre_save.connect(s.on_grant_saving, sender=RoleGrant, dispatch_uid="audit-grant-before")
        post_save.connect(s.on_grant_saved, sender=RoleGrant, dispatch_uid="audit-grant")
        role_revoked.connect(s.on_grant_revoked, sender=RoleGrant, dispatch_uid="audit-grant-revoked")
        post_save.connect(s.on_reveal, sender=RevealLog, dispatch_uid="audit-reveal")
        post_save.connect(s.on_fund_step, sender=StepLog, dispatch_uid="audit-fund-step")
        post_save.connect(s.on_fund_payment, sender=Payment, dispatch_uid="audit-fund-payment")
        post_save.connect(s.on_enterprise_approval, sender=Approval, dispatch_uid="audit-enterprise-approval")
        privacy.deletion_request_made.connect(s.on_deletion_requested, dispatch_uid="audit-deletion-requested")
        privacy.deletion_request_decided.connect(s.on_deletion_decided, dispatch_uid="audit-deletion-decided")
        privacy.resident_anonymised.connect(s.on_anonymised, dispatch_uid="audit-anonymised")
        register(NavItem(_("Audit log"), "audit:events", Cap.AUDIT_VIEW, order=95, icon="🛡"))

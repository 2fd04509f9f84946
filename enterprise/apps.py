from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterpriseConfig(AppConfig):
    name = "enterprise"
    verbose_name = _("Community enterprises")

    def ready(self) -> None:
        from orgs.navigation import NavItem, register
        from orgs.roles import Cap

        register(
            NavItem(_("Community enterprise"), "enterprise:home", Cap.ENTERPRISE_VIEW, order=70, icon="🏢"),
            NavItem(_("Expense requests"), "enterprise:requests", Cap.ENTERPRISE_VIEW, order=71, icon="🧾"),
            NavItem(_("Approvals waiting for me"), "enterprise:approvals", Cap.ENTERPRISE_APPROVE, order=72, icon="✅"),
            NavItem(_("Enterprise statements"), "enterprise:report", Cap.ENTERPRISE_VIEW, order=73, icon="📊"),
            NavItem(_("Enterprises of the subdistrict"), "enterprise:overview", Cap.ENTERPRISE_VIEW, order=74, icon="🗺"),
        )

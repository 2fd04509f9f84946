from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundConfig(AppConfig):
    name = "fund"
    verbose_name = _("Community development fund")

    def ready(self) -> None:
        from orgs.navigation import NavItem, register
        from orgs.roles import Cap

        register(
            NavItem(_("Development fund"), "fund:home", Cap.FUND_VIEW, order=60, icon="💰"),
            NavItem(_("Spending requests"), "fund:request_list", Cap.FUND_VIEW, order=61, icon="🧾"),
            NavItem(_("Donations"), "fund:donations", Cap.FUND_VIEW, order=62, icon="🎁"),
            NavItem(_("Fund disclosure"), "fund:reports", Cap.FUND_VIEW, order=63, icon="📢"),
            NavItem(_("Fund audit archive"), "fund:audit", Cap.AUDIT_EXPORT, order=64, icon="🗄️"),
        )

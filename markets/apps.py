from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketsConfig(AppConfig):
    name = "markets"
    verbose_name = _("Neighbourhood markets")

    def ready(self) -> None:
        from orgs.navigation import NavItem, register
        from orgs.roles import Cap

        register(
            NavItem(_("Neighbourhood markets"), "markets:list", Cap.MARKET_VIEW, order=60, icon="🏮"),
            NavItem(_("Merchants"), "markets:merchants", Cap.MARKET_VIEW, order=61, icon="🏪"),
            # Merchants and employers land on the console home; this is their way in.
            NavItem(_("My stalls"), "markets:portal", Cap.MERCHANT_PORTAL, order=11, icon="🏮"),
        )

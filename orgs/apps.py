from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from orgs.navigation import NavItem, register
        from orgs.roles import Cap

        register(
            NavItem(_("Overview"), "console:home", Cap.CONSOLE, order=0, icon="⌂"),
            NavItem(_("Grids and buildings"), "orgs:structure", Cap.RESIDENT_VIEW, order=10, icon="▦"),
            NavItem(_("People and roles"), "orgs:roles", Cap.ORG_MANAGE, order=90, icon="⚑"),
        )

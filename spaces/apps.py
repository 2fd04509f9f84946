from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpacesConfig(AppConfig):
    name = "spaces"
    verbose_name = _("Spaces")

    def ready(self) -> None:
        from orgs.navigation import NavItem, register
        from orgs.roles import Cap

        register(
            NavItem(_("Rooms"), "spaces:overview", Cap.SPACE_VIEW, order=30, icon="⌂"),
            NavItem(_("Bookings"), "spaces:booking_list", Cap.SPACE_VIEW, order=31, icon="🗓"),
            NavItem(_("Utilisation"), "spaces:utilisation", Cap.SPACE_VIEW, order=32, icon="▦"),
        )

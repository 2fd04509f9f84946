from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("Volunteer bank")

    def ready(self) -> None:
        from orgs.navigation import NavItem, register
        from orgs.roles import Cap

        register(
            NavItem(_("Volunteer bank"), "volunteers:list", Cap.VOLUNTEER_VIEW, order=80, icon="🙋"),
            NavItem(_("Volunteer tasks"), "volunteers:task_list", Cap.VOLUNTEER_VIEW, order=81, icon="📋"),
            NavItem(_("Volunteer rewards"), "volunteers:reward_list", Cap.VOLUNTEER_VIEW, order=82, icon="🎁"),
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "residents"
    verbose_name = _("Residents")

    def ready(self) -> None:
        from orgs.navigation import NavItem, register
        from orgs.roles import Cap

        register(
            NavItem(_("Residents"), "residents:list", Cap.RESIDENT_VIEW, order=20, icon="☺"),
            NavItem(_("Import residents"), "residents:import", Cap.RESIDENT_MANAGE, order=21, icon="⇪"),
            NavItem(_("Access log"), "residents:reveal_log", Cap.AUDIT_VIEW, order=80, icon="👁"),
            NavItem(_("Deletion requests"), "residents:deletion_requests", Cap.RESIDENT_MANAGE, order=22, icon="✂"),
        )

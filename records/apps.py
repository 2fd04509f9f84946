from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Service records")

    def ready(self) -> None:
        from orgs.navigation import NavItem, register
        from orgs.roles import Cap

        register(NavItem(_("Services given"), "records:list", Cap.RECORD_VIEW, order=54, icon="📈"))

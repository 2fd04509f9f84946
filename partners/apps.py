from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from orgs.navigation import NavItem, register
        from orgs.roles import Cap

        register(
            NavItem(_("Partners"), "partners:list", Cap.PARTNER_VIEW, order=40, icon="🤝"),
            NavItem(_("Recruitment calls"), "partners:call_list", Cap.PARTNER_VIEW, order=41, icon="📣"),
            NavItem(_("Partner applications"), "partners:application_list", Cap.PARTNER_VIEW, order=42, icon="📝"),
            NavItem(_("Cooperation agreements"), "partners:agreement_list", Cap.PARTNER_VIEW, order=43, icon="📄"),
            # Partner staff land on the console home; this is their way in.
            NavItem(_("My partner portal"), "partners:portal", Cap.PARTNER_PORTAL, order=10, icon="🏪"),
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Workshops and gig jobs")

    def ready(self) -> None:
        from orgs.navigation import NavItem, register
        from orgs.roles import Cap

        register(
            NavItem(_("Workshops and jobs"), "jobs:home", Cap.JOB_VIEW, order=62, icon="🧵"),
            NavItem(_("Job fairs"), "jobs:fairs", Cap.JOB_VIEW, order=63, icon="🤝"),
            NavItem(_("My jobs and workshops"), "jobs:portal", Cap.MERCHANT_PORTAL, order=12, icon="🧵"),
        )

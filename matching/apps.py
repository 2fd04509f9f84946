from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Needs, resources and micro-wishes")

    def ready(self) -> None:
        from orgs.navigation import NavItem, register
        from orgs.roles import Cap

        register(
            NavItem(_("Needs and resources"), "matching:home", Cap.MATCHING_VIEW, order=85, icon="🧩"),
            # Grid workers post wishes from their phone; staff see them with the lists.
            NavItem(_("Micro-wishes"), "matching:wish_list", Cap.WISH_POST, order=86, icon="🎁"),
        )

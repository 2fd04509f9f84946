from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Services and orders")

    def ready(self) -> None:
        from catalog import signals
        from orgs.navigation import NavItem, register

        signals.connect()
        from orgs.roles import Cap

        register(
            NavItem(_("Service catalogue"), "catalog:items", Cap.CATALOG_VIEW, order=50, icon="📋"),
            NavItem(_("Price rules"), "catalog:rules", Cap.CATALOG_VIEW, order=51, icon="🏷️"),
            NavItem(_("Meals and classes today"), "catalog:kitchen", Cap.CATALOG_VIEW, order=52, icon="🍱"),
            NavItem(_("Settlement"), "catalog:settlement", Cap.CATALOG_VIEW, order=53, icon="🧾"),
            # The partner's staff reach their kitchen and classes from the portal menu.
            NavItem(_("Kitchen and classes"), "catalog:kitchen", Cap.PARTNER_PORTAL, order=11, icon="🍱"),
            NavItem(_("Pick-up counter"), "catalog:kitchen_scan", Cap.PARTNER_PORTAL, order=12, icon="📷"),
        )

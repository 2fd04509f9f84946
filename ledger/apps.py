from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = _("Ledger")

    def ready(self) -> None:
        from orgs.navigation import NavItem, register
        from orgs.roles import Cap

        register(
            NavItem(_("Ledger"), "ledger:home", Cap.LEDGER_VIEW, order=50, icon="¥"),
            NavItem(_("Journal"), "ledger:journal", Cap.LEDGER_VIEW, order=51, icon="☰"),
            NavItem(_("Trial balance"), "ledger:trial_balance", Cap.LEDGER_VIEW, order=52, icon="⚖"),
            NavItem(_("Verify the books"), "ledger:verify", Cap.LEDGER_VIEW, order=53, icon="✔"),
        )

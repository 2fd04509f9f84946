from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from insights import selectors, signals
        from orgs.models import OrgNode
        from orgs.navigation import NavItem, register
        from orgs.roles import Cap

        signals.connect()

        def forget(**kwargs):
            selectors.forget_tree()

        post_save.connect(forget, sender=OrgNode, dispatch_uid="insights-tree-save", weak=False)
        post_delete.connect(forget, sender=OrgNode, dispatch_uid="insights-tree-delete", weak=False)
        register(NavItem(_("Dashboards"), "insights:home", Cap.INSIGHTS_VIEW, order=5, icon="📊"))

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SnapshotsConfig(AppConfig):
    name = "snapshots"
    verbose_name = _("Snapshot reports")

    def ready(self) -> None:
        from orgs.navigation import NavItem, register
        from orgs.roles import Cap

        register(
            NavItem(_("My snapshot queue"), "snapshots:queue", Cap.SNAPSHOT_HANDLE, order=70, icon="📷"),
            NavItem(_("Snapshot reports"), "snapshots:list", Cap.SNAPSHOT_VIEW, order=71, icon="📋"),
            NavItem(_("Community plan"), "snapshots:plan", Cap.SNAPSHOT_HANDLE, order=72, icon="🗺"),
        )

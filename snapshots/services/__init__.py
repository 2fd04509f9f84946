"""Every write of the snapshots app. Keyword-only functions, one transaction each."""

from snapshots.services.categories import categories_ensure_defaults
from snapshots.services.plans import plan_set, require_plan_manage, zone_create, zone_delete
from snapshots.services.reports import (
    after_photo_add,
    grid_worker_of,
    handler_q,
    may_handle,
    report_accept,
    report_close,
    report_create,
    report_dismiss,
    report_reassign,
    reports_escalate_overdue,
    viewer_q,
)

__all__ = [
    "after_photo_add",
    "categories_ensure_defaults",
    "grid_worker_of",
    "handler_q",
    "may_handle",
    "plan_set",
    "report_accept",
    "report_close",
    "report_create",
    "report_dismiss",
    "report_reassign",
    "reports_escalate_overdue",
    "require_plan_manage",
    "viewer_q",
    "zone_create",
    "zone_delete",
]

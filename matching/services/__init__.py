"""Every write of the matching app (docs/matching.md)."""

from matching.services.funding import project_request_funding, wish_request_funding
from matching.services.lists import (
    need_create,
    need_raise,
    need_set_status,
    need_update,
    project_cancel,
    project_create,
    project_finish,
    project_link,
    project_progress,
    resource_create,
    resource_set_status,
    resource_update,
)
from matching.services.wishes import (
    wish_claim,
    wish_fulfil,
    wish_post,
    wish_release,
    wish_thank,
    wish_withdraw,
    wishes_withdraw_for_consent,
)

__all__ = [
    "need_create",
    "need_raise",
    "need_set_status",
    "need_update",
    "project_cancel",
    "project_create",
    "project_finish",
    "project_link",
    "project_progress",
    "project_request_funding",
    "resource_create",
    "resource_set_status",
    "resource_update",
    "wish_claim",
    "wish_fulfil",
    "wish_post",
    "wish_release",
    "wish_request_funding",
    "wish_thank",
    "wish_withdraw",
    "wishes_withdraw_for_consent",
]

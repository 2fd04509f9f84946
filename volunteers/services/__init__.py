"""Every write of the volunteer bank. One transaction each; callers pass who acts (a Scope)."""

from volunteers.services.people import (  # noqa: F401
    self_community_ids,
    team_create,
    team_member_add,
    team_member_remove,
    team_set_leader,
    volunteer_register,
    volunteer_register_self,
    volunteer_set_status,
    volunteer_update,
)
from volunteers.services.points import (  # noqa: F401
    points_account,
    points_balance,
    points_for,
    points_issued_account,
    points_rule_create,
    points_rule_set_active,
    redemption_cancel,
    redemption_create,
    redemption_hand_over,
    reward_create,
    reward_restock,
    reward_update,
)
from volunteers.services.tasks import (  # noqa: F401
    attended_minutes,
    check_in,
    check_out,
    regenerate_checkin_token,
    signup_assign,
    signup_cancel,
    signup_confirm,
    signup_create,
    signup_decline,
    signup_mark_attendance,
    task_cancel,
    task_close,
    task_create,
    task_reopen,
    task_set_organiser,
)

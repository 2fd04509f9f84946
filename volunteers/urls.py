from django.urls import path

from volunteers.views import staff

app_name = "volunteers"

urlpatterns = [
    path("", staff.volunteer_list, name="list"),
    path("register/", staff.volunteer_register, name="register"),
    path("v/<int:volunteer_id>/", staff.volunteer_detail, name="detail"),
    path("v/<int:volunteer_id>/status/", staff.volunteer_status, name="status"),
    path("v/<int:volunteer_id>/certificate.pdf", staff.volunteer_certificate, name="certificate"),
    path("teams/", staff.team_list, name="team_list"),
    path("teams/new/", staff.team_create, name="team_create"),
    path("teams/<int:volunteer_team_id>/", staff.team_detail, name="team_detail"),
    path("teams/<int:volunteer_team_id>/members/", staff.team_member_add, name="team_member_add"),
    path("teams/<int:volunteer_team_id>/leader/", staff.team_leader, name="team_leader"),
    path("tasks/", staff.task_list, name="task_list"),
    path("tasks/new/", staff.task_create, name="task_create"),
    path("tasks/<int:volunteer_task_id>/", staff.task_detail, name="task_detail"),
    path("tasks/<int:volunteer_task_id>/qr.svg", staff.task_qr, name="task_qr"),
    path("tasks/<int:volunteer_task_id>/status/", staff.task_status, name="task_status"),
    *[
        path(f"signups/<int:volunteer_signup_id>/{action}/", staff.signup_action, {"action": action}, name=f"signup_{action}")
        for action in ("assign", "decline", "attendance", "confirm")
    ],
    path("rules/", staff.rule_list, name="rule_list"),
    path("rules/<int:points_rule_id>/active/", staff.rule_active, name="rule_active"),
    path("rewards/", staff.reward_list, name="reward_list"),
    path("rewards/<int:volunteer_reward_id>/", staff.reward_edit, name="reward_edit"),
    path("redemptions/", staff.redemption_list, name="redemption_list"),
    path(
        "redemptions/<int:volunteer_redemption_id>/hand-over/",
        staff.redemption_action,
        {"action": "hand-over"},
        name="redemption_hand_over",
    ),
    path(
        "redemptions/<int:volunteer_redemption_id>/cancel/",
        staff.redemption_action,
        {"action": "cancel"},
        name="redemption_cancel",
    ),
    path("leaderboard/", staff.leaderboard, name="leaderboard"),
]

from django.urls import path

from volunteers.views import me

app_name = "volunteers_me"

urlpatterns = [
    path("", me.home, name="home"),
    path("register/", me.register, name="register"),
    path("tasks/", me.task_list, name="tasks"),
    path("tasks/<int:volunteer_task_id>/", me.task_detail, name="task_detail"),
    path("tasks/<int:volunteer_task_id>/sign-up/", me.task_action, {"action": "sign-up"}, name="sign_up"),
    path("tasks/<int:volunteer_task_id>/withdraw/", me.task_action, {"action": "withdraw"}, name="withdraw"),
    path("tasks/<int:volunteer_task_id>/check-in/", me.check_in, name="check_in"),
    path("points/", me.points, name="points"),
    path("rewards/", me.rewards, name="rewards"),
    path("rewards/<int:volunteer_reward_id>/redeem/", me.redeem, name="redeem"),
    path("certificate.pdf", me.certificate, name="certificate"),
    path("organise/", me.organise, name="organise"),
    path("organise/teams/<int:volunteer_team_id>/new/", me.organise_new, name="organise_new"),
    path("organise/<int:volunteer_task_id>/", me.organise_task, name="organise_task"),
    path("organise/<int:volunteer_task_id>/qr.svg", me.organise_qr, name="organise_qr"),
    *[
        path(
            f"organise/signups/<int:volunteer_signup_id>/{action}/",
            me.organise_signup,
            {"action": action},
            name=f"signup_{action}",
        )
        for action in ("assign", "decline", "attendance", "confirm")
    ],
]

"""The volunteer's own pages, on a phone: register, tasks, sign-up, check-in, points, rewards,
and — for team leaders — the tasks they organise."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.errors import DomainError, NotFound
from orgs.models import OrgNode
from volunteers import selectors, services
from volunteers.forms import RegisterSelfForm, TaskForm
from volunteers.views import _shared
from volunteers.views.staff import certificate_response


def _eligible(request):
    """Communities the user may still register in by themselves."""
    registered = set(selectors.registrations_for_self(user=request.user).values_list("community_id", flat=True))
    ids = services.self_community_ids(request.user) - registered
    return list(OrgNode.objects.filter(pk__in=ids).order_by("path"))


@login_required
def home(request):
    registrations = list(selectors.registrations_for_self(user=request.user))
    return render(
        request,
        "volunteers/me_home.html",
        {
            "records": [selectors.volunteer_record(volunteer=v) for v in registrations],
            "signups": selectors.my_signups(scope=request.scope).exclude(status__in=["cancelled", "declined"])[:20],
            "eligible": _eligible(request),
            "organised": selectors.tasks_organised_by(scope=request.scope)[:10],
            "led_teams": list(selectors.teams_led_by_self(scope=request.scope)),
        },
    )


@login_required
def register(request):
    communities = _eligible(request)
    form = RegisterSelfForm(request.POST or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        community = next((c for c in communities if c.pk == data.pop("community")), None)
        try:
            if community is None:
                raise NotFound()
            services.volunteer_register_self(actor=request.scope, community=community, **data)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Welcome! You are registered as a volunteer in %(c)s.") % {"c": community.name})
            return redirect("volunteers_me:home")
    return render(request, "volunteers/me_register.html", {"form": form, "communities": communities})


@login_required
def task_list(request):
    tasks = list(selectors.open_tasks_for_self(scope=request.scope)[:100])
    mine = {s.task_id: s for s in selectors.my_signups(scope=request.scope).filter(task__in=tasks)}
    return render(
        request,
        "volunteers/me_tasks.html",
        {"rows": [(t, mine.get(t.pk)) for t in tasks], "registered": bool(selectors.registrations_for_self(user=request.user))},
    )


def _task_page(request, task, *, token: str = ""):
    signup = selectors.my_signup_for(scope=request.scope, task=task)
    visible = selectors.household_visible(task=task, signup=signup)
    return render(
        request,
        "volunteers/me_task.html",
        {
            "task": task,
            "signup": signup,
            "household": (task.household if visible else None),
            "household_masked": selectors.mask_name(task.household.name) if task.household_id else "",
            "token": token,
            "registered": selectors.registrations_for_self(user=request.user)
            .filter(community_id=task.community_id)
            .exists(),
        },
    )


@login_required
def task_detail(request, volunteer_task_id: int):
    task = selectors.task_get_for_self(scope=request.scope, task_id=volunteer_task_id)
    return _task_page(request, task)


@login_required
@require_POST
def task_action(request, volunteer_task_id: int, action: str):
    task = selectors.task_get_for_self(scope=request.scope, task_id=volunteer_task_id)
    volunteer = selectors.registration_for_self(scope=request.scope, community_id=task.community_id)
    signup = selectors.my_signup_for(scope=request.scope, task=task)
    try:
        if action == "sign-up":
            signup = services.signup_create(actor=request.scope, volunteer=volunteer, task=task)
            messages.success(
                request,
                _("You are signed up.") if signup.status == "assigned"
                else _("You are signed up; the organiser will assign you."),
            )
        elif signup is None:
            raise NotFound()
        elif action == "withdraw":
            services.signup_cancel(actor=request.scope, signup=signup)
            messages.success(request, _("You have withdrawn; the place is free for someone else."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("volunteers_me:task_detail", volunteer_task_id=task.pk)


@login_required
def check_in(request, volunteer_task_id: int):
    """Where the task's QR code leads: a big button to check in (or out)."""
    task = selectors.task_get_for_self(scope=request.scope, task_id=volunteer_task_id)
    token = request.POST.get("t") or request.GET.get("t", "")
    if request.method == "POST":
        signup = selectors.my_signup_for(scope=request.scope, task=task)
        try:
            if signup is None:
                raise NotFound()
            if signup.checked_in_at and not signup.checked_out_at:
                services.check_out(actor=request.scope, signup=signup, token=token)
                messages.success(request, _("Checked out. Thank you!"))
            else:
                services.check_in(actor=request.scope, signup=signup, token=token)
                messages.success(request, _("Checked in."))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("volunteers_me:task_detail", volunteer_task_id=task.pk)
    return _task_page(request, task, token=token)


@login_required
def points(request):
    registrations = list(selectors.registrations_for_self(user=request.user))
    return render(
        request,
        "volunteers/me_points.html",
        {"rows": [(v, services.points_balance(v), selectors.points_statement(volunteer=v)) for v in registrations]},
    )


@login_required
def rewards(request):
    registrations = {v.community_id: v for v in selectors.registrations_for_self(user=request.user)}
    balances = {cid: services.points_balance(v) for cid, v in registrations.items()}
    rows = [(r, balances.get(r.community_id, 0)) for r in selectors.rewards_for_self(scope=request.scope)]
    return render(
        request,
        "volunteers/me_rewards.html",
        {"rows": rows, "redemptions": selectors.my_redemptions(scope=request.scope)[:20]},
    )


@login_required
@require_POST
def redeem(request, volunteer_reward_id: int):
    reward = selectors.reward_get_for_self(scope=request.scope, reward_id=volunteer_reward_id)
    volunteer = selectors.registration_for_self(scope=request.scope, community_id=reward.community_id)
    try:
        # The form carries a one-time key: a double tap (or a resubmitted page) redeems once.
        redemption = services.redemption_create(
            actor=request.scope, volunteer=volunteer, reward=reward, idempotency_key=request.POST.get("key") or None
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Redeemed %(reward)s for %(points)s points. Show code %(code)s to collect it.")
            % {"reward": reward.name, "points": redemption.points, "code": redemption.code},
        )
    return redirect("volunteers_me:rewards")


@login_required
def certificate(request):
    volunteer = selectors.registrations_for_self(user=request.user).first()
    if volunteer is None:
        raise NotFound()
    return certificate_response(volunteer)


# --- Organising (team leaders and organisers, on the phone) --------------------------------------


@login_required
def organise(request):
    return render(
        request,
        "volunteers/me_organise.html",
        {
            "tasks": selectors.tasks_organised_by(scope=request.scope)[:50],
            "teams": list(selectors.teams_led_by_self(scope=request.scope)),
        },
    )


@login_required
def organise_new(request, volunteer_team_id: int):
    team = selectors.team_led_by_self(scope=request.scope, team_id=volunteer_team_id)
    form = TaskForm(request.POST or None, teams=[team], with_household=False, initial={"team": team.pk})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("team", None)
        try:
            task = services.task_create(actor=request.scope, community=team.community, team=team, **data)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The task is published."))
            return redirect("volunteers_me:organise_task", volunteer_task_id=task.pk)
    return render(request, "volunteers/me_form.html", {"form": form, "title": _("Publish a task for %(team)s") % {"team": team.name}})


@login_required
def organise_task(request, volunteer_task_id: int):
    task = selectors.task_get_for_user(scope=request.scope, task_id=volunteer_task_id)
    context = _shared.task_context(request, task)
    context["ns"] = "volunteers_me"
    context["household_name"] = selectors.mask_name(task.household.name) if task.household_id else ""
    return render(request, "volunteers/me_organise_task.html", context)


@login_required
def organise_qr(request, volunteer_task_id: int):
    return _shared.qr_svg(request, selectors.task_get_for_user(scope=request.scope, task_id=volunteer_task_id))


@login_required
@require_POST
def organise_signup(request, volunteer_signup_id: int, action: str):
    return _shared.signup_action(
        request, signup_id=volunteer_signup_id, action=action, back="volunteers_me:organise_task"
    )

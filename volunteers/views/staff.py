"""Community staff's pages: volunteers, teams, tasks, points rules, rewards, redemptions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.errors import DomainError, NotFound
from orgs.roles import Cap
from orgs.views import console_community
from residents.selectors import resident_get_for_user
from volunteers import selectors, services
from volunteers.forms import (
    LeaderForm,
    MemberForm,
    RestockForm,
    RewardCreateForm,
    RewardEditForm,
    RuleForm,
    TaskForm,
    TeamForm,
    VolunteerForm,
)
from volunteers.models import RedemptionStatus, TaskStatus, VolunteerKind, VolunteerStatus
from volunteers.pdf import certificate_pdf
from volunteers.views import _shared


def _need(request, cap: str):
    community = console_community(request)
    if not request.scope.has(cap, community.pk):
        raise NotFound()
    return community


def _can_manage(request, community_id: int) -> bool:
    return request.scope.has(Cap.VOLUNTEER_MANAGE, community_id)


def _form_page(request, form, title: str, community, back: str = ""):
    return render(
        request, "volunteers/form.html", {"form": form, "title": title, "community": community, "back": back}
    )


# --- Volunteers ------------------------------------------------------------------------------


@login_required
def volunteer_list(request):
    community = _need(request, Cap.VOLUNTEER_VIEW)
    kind = request.GET.get("kind", "")
    qs = selectors.volunteer_list_for_user(
        scope=request.scope,
        community=community,
        query=request.GET.get("q", "").strip(),
        kind=kind if kind in VolunteerKind.values else "",
    )
    return render(
        request,
        "volunteers/volunteer_list.html",
        {
            "community": community,
            "page": Paginator(qs, 50).get_page(request.GET.get("page")),
            "kinds": VolunteerKind.choices,
            "summary": selectors.community_summary(community=community),
            "can_manage": _can_manage(request, community.pk),
        },
    )


@login_required
def volunteer_register(request):
    community = _need(request, Cap.VOLUNTEER_MANAGE)
    form = VolunteerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            volunteer = services.volunteer_register(actor=request.scope, community=community, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("%(name)s is registered as a volunteer.") % {"name": volunteer.name})
            return redirect("volunteers:detail", volunteer_id=volunteer.pk)
    return _form_page(request, form, _("Register a volunteer"), community, back="volunteers:list")


@login_required
def volunteer_detail(request, volunteer_id: int):
    volunteer = selectors.volunteer_get_for_user(scope=request.scope, volunteer_id=volunteer_id)
    return render(
        request,
        "volunteers/volunteer_detail.html",
        {
            "v": volunteer,
            "record": selectors.volunteer_record(volunteer=volunteer),
            "can_manage": _can_manage(request, volunteer.community_id),
            "statuses": VolunteerStatus.choices,
        },
    )


@login_required
@require_POST
def volunteer_status(request, volunteer_id: int):
    volunteer = selectors.volunteer_get_for_user(scope=request.scope, volunteer_id=volunteer_id, cap=Cap.VOLUNTEER_MANAGE)
    try:
        services.volunteer_set_status(actor=request.scope, volunteer=volunteer, status=request.POST.get("status", ""))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("volunteers:detail", volunteer_id=volunteer.pk)


def certificate_response(volunteer) -> HttpResponse:
    response = HttpResponse(certificate_pdf(volunteer), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=volunteer-{volunteer.pk}.pdf"
    return response


@login_required
def volunteer_certificate(request, volunteer_id: int):
    return certificate_response(selectors.volunteer_get_for_user(scope=request.scope, volunteer_id=volunteer_id))


# --- Teams -----------------------------------------------------------------------------------


@login_required
def team_list(request):
    community = _need(request, Cap.VOLUNTEER_VIEW)
    return render(
        request,
        "volunteers/team_list.html",
        {
            "community": community,
            "teams": selectors.team_list_for_user(scope=request.scope, community=community),
            "can_manage": _can_manage(request, community.pk),
        },
    )


@login_required
def team_create(request):
    community = _need(request, Cap.VOLUNTEER_MANAGE)
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(actor=request.scope, community=community, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            return redirect("volunteers:team_detail", volunteer_team_id=team.pk)
    return _form_page(request, form, _("New team"), community, back="volunteers:team_list")


def _volunteer_choices(request, community):
    return selectors.volunteer_list_for_user(scope=request.scope, community=community, status=VolunteerStatus.ACTIVE)


@login_required
def team_detail(request, volunteer_team_id: int):
    team = selectors.team_get_for_user(scope=request.scope, team_id=volunteer_team_id)
    can_manage = _can_manage(request, team.community_id)
    members = list(selectors.team_members(team=team))
    context = {
        "team": team,
        "members": members,
        "skills": selectors.skill_counts(team=team),
        "board": selectors.leaderboard(community=team.community, team=team),
        "tasks": selectors.task_list_for_user(scope=request.scope, community=team.community, team=team)[:20],
        "can_manage": can_manage,
    }
    if can_manage:
        context["member_form"] = MemberForm(volunteers=_volunteer_choices(request, team.community))
        context["leader_form"] = LeaderForm(
            volunteers=[m.volunteer for m in members], initial={"volunteer": team.leader_id}
        )
    return render(request, "volunteers/team_detail.html", context)


@login_required
@require_POST
def team_member_add(request, volunteer_team_id: int):
    team = selectors.team_get_for_user(scope=request.scope, team_id=volunteer_team_id, cap=Cap.VOLUNTEER_MANAGE)
    form = MemberForm(request.POST, volunteers=_volunteer_choices(request, team.community))
    if form.is_valid():
        volunteer = selectors.volunteer_get_for_user(scope=request.scope, volunteer_id=form.cleaned_data["volunteer"])
        try:
            services.team_member_add(actor=request.scope, team=team, volunteer=volunteer, skill=form.cleaned_data["skill"])
        except DomainError as exc:
            messages.error(request, str(exc.message))
    else:
        messages.error(request, _("Choose a volunteer and a skill."))
    return redirect("volunteers:team_detail", volunteer_team_id=team.pk)


@login_required
@require_POST
def team_leader(request, volunteer_team_id: int):
    team = selectors.team_get_for_user(scope=request.scope, team_id=volunteer_team_id, cap=Cap.VOLUNTEER_MANAGE)
    members = [m.volunteer for m in selectors.team_members(team=team)]
    form = LeaderForm(request.POST, volunteers=members)
    if form.is_valid():
        chosen = form.cleaned_data["volunteer"]
        volunteer = next((v for v in members if v.pk == chosen), None)
        try:
            services.team_set_leader(actor=request.scope, team=team, volunteer=volunteer)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Team leader saved."))
    return redirect("volunteers:team_detail", volunteer_team_id=team.pk)


# --- Tasks -----------------------------------------------------------------------------------


@login_required
def task_list(request):
    community = _need(request, Cap.VOLUNTEER_VIEW)
    status = request.GET.get("status", "")
    qs = selectors.task_list_for_user(
        scope=request.scope, community=community, status=status if status in TaskStatus.values else ""
    )
    return render(
        request,
        "volunteers/task_list.html",
        {
            "community": community,
            "page": Paginator(qs, 50).get_page(request.GET.get("page")),
            "statuses": TaskStatus.choices,
            "can_manage": _can_manage(request, community.pk),
        },
    )


@login_required
def task_create(request):
    community = _need(request, Cap.VOLUNTEER_MANAGE)
    teams = list(selectors.team_list_for_user(scope=request.scope, community=community))
    form = TaskForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        team_id, household_id = data.pop("team"), data.pop("household")
        try:
            team = next((t for t in teams if t.pk == team_id), None)
            household = None
            if household_id:
                household = resident_get_for_user(scope=request.scope, resident_id=household_id)
            task = services.task_create(actor=request.scope, community=community, team=team, household=household, **data)
        except NotFound:
            form.add_error("household", _("No such resident in this community."))
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The task is published."))
            return redirect("volunteers:task_detail", volunteer_task_id=task.pk)
    return _form_page(request, form, _("Publish a task"), community, back="volunteers:task_list")


@login_required
def task_detail(request, volunteer_task_id: int):
    console_community(request)  # organisers without a console role use their phone pages
    task = selectors.task_get_for_user(scope=request.scope, task_id=volunteer_task_id)
    context = _shared.task_context(request, task)
    # Staff who may see residents see the household's name; the API and lists show it masked.
    context["household_name"] = (
        task.household.name if task.household_id and request.scope.has(Cap.RESIDENT_VIEW, task.community_id)
        else selectors.mask_name(task.household.name) if task.household_id else ""
    )
    context["ns"] = "volunteers"
    return render(request, "volunteers/task_detail.html", context)


@login_required
def task_qr(request, volunteer_task_id: int):
    console_community(request)  # organisers without a console role use their phone pages
    return _shared.qr_svg(request, selectors.task_get_for_user(scope=request.scope, task_id=volunteer_task_id))


@login_required
@require_POST
def task_status(request, volunteer_task_id: int):
    console_community(request)  # organisers without a console role use their phone pages
    task = selectors.task_get_for_user(scope=request.scope, task_id=volunteer_task_id)
    action = {"close": services.task_close, "reopen": services.task_reopen, "cancel": services.task_cancel}.get(
        request.POST.get("action", "")
    )
    try:
        if action is None:
            raise services.tasks.ValidationFailed(_("Unknown action."))
        action(actor=request.scope, task=task)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("volunteers:task_detail", volunteer_task_id=task.pk)


@login_required
@require_POST
def signup_action(request, volunteer_signup_id: int, action: str):
    console_community(request)  # organisers without a console role use their phone pages
    return _shared.signup_action(
        request, signup_id=volunteer_signup_id, action=action, back="volunteers:task_detail"
    )


# --- Points rules ----------------------------------------------------------------------------


@login_required
def rule_list(request):
    community = _need(request, Cap.VOLUNTEER_VIEW)
    can_manage = _can_manage(request, community.pk)
    form = RuleForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise NotFound()
        if form.is_valid():
            try:
                services.points_rule_create(actor=request.scope, community=community, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("The rule is in force."))
                return redirect("volunteers:rule_list")
    return render(
        request,
        "volunteers/rule_list.html",
        {
            "community": community,
            "rules": selectors.points_rule_list_for_user(scope=request.scope, community=community),
            "form": form,
            "can_manage": can_manage,
        },
    )


@login_required
@require_POST
def rule_active(request, points_rule_id: int):
    rule = selectors.points_rule_get_for_user(scope=request.scope, rule_id=points_rule_id, cap=Cap.VOLUNTEER_MANAGE)
    services.points_rule_set_active(actor=request.scope, rule=rule, active=request.POST.get("active") == "1")
    return redirect("volunteers:rule_list")


# --- Rewards and redemptions --------------------------------------------------------------------


@login_required
def reward_list(request):
    community = _need(request, Cap.VOLUNTEER_VIEW)
    can_manage = _can_manage(request, community.pk)
    form = RewardCreateForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise NotFound()
        if form.is_valid():
            try:
                services.reward_create(actor=request.scope, community=community, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("The reward is on offer."))
                return redirect("volunteers:reward_list")
    return render(
        request,
        "volunteers/reward_list.html",
        {
            "community": community,
            "rewards": selectors.reward_list_for_user(scope=request.scope, community=community),
            "form": form,
            "can_manage": can_manage,
        },
    )


@login_required
def reward_edit(request, volunteer_reward_id: int):
    reward = selectors.reward_get_for_user(scope=request.scope, reward_id=volunteer_reward_id, cap=Cap.VOLUNTEER_MANAGE)
    initial = {f: getattr(reward, f) for f in ("name", "kind", "provider", "description", "points", "active")}
    form = RewardEditForm(request.POST or None, initial=initial) if "change" not in request.POST else RewardEditForm(
        initial=initial
    )
    restock = RestockForm(request.POST if "change" in request.POST else None)
    if request.method == "POST":
        try:
            if "change" in request.POST:
                if restock.is_valid():
                    services.reward_restock(actor=request.scope, reward=reward, **restock.cleaned_data)
                    messages.success(request, _("Stock is now %(n)s.") % {"n": reward.stock})
                    return redirect("volunteers:reward_edit", volunteer_reward_id=reward.pk)
            elif form.is_valid():
                services.reward_update(actor=request.scope, reward=reward, **form.cleaned_data)
                messages.success(request, _("Saved."))
                return redirect("volunteers:reward_list")
        except DomainError as exc:
            messages.error(request, str(exc.message))
    return render(
        request, "volunteers/reward_edit.html", {"reward": reward, "form": form, "restock": restock}
    )


@login_required
def redemption_list(request):
    community = _need(request, Cap.VOLUNTEER_VIEW)
    status = request.GET.get("status", "")
    qs = selectors.redemption_list_for_user(
        scope=request.scope, community=community, status=status if status in RedemptionStatus.values else ""
    )
    return render(
        request,
        "volunteers/redemption_list.html",
        {
            "community": community,
            "page": Paginator(qs, 50).get_page(request.GET.get("page")),
            "statuses": RedemptionStatus.choices,
            "can_manage": _can_manage(request, community.pk),
        },
    )


@login_required
@require_POST
def redemption_action(request, volunteer_redemption_id: int, action: str):
    redemption = selectors.redemption_get_for_user(
        scope=request.scope, redemption_id=volunteer_redemption_id, cap=Cap.VOLUNTEER_MANAGE
    )
    try:
        if action == "hand-over":
            services.redemption_hand_over(actor=request.scope, redemption=redemption)
        elif action == "cancel":
            services.redemption_cancel(actor=request.scope, redemption=redemption, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("volunteers:redemption_list")


@login_required
def leaderboard(request):
    community = _need(request, Cap.VOLUNTEER_VIEW)
    teams = list(selectors.team_list_for_user(scope=request.scope, community=community))
    return render(
        request,
        "volunteers/leaderboard.html",
        {
            "community": community,
            "board": selectors.leaderboard(community=community),
            "team_boards": [(t, selectors.leaderboard(community=community, team=t, limit=5)) for t in teams],
        },
    )

"""What the staff console and the volunteers' phone pages share: the organiser's actions on a
task's sign-ups (a team leader does them on the phone, staff in the console) and the QR code."""

from __future__ import annotations

from decimal import Decimal

import segno
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.errors import DomainError
from volunteers import selectors, services
from volunteers.forms import AttendanceForm, ConfirmForm


def checkin_url(request, task) -> str:
    path = reverse("volunteers_me:check_in", kwargs={"volunteer_task_id": task.pk})
    return request.build_absolute_uri(f"{path}?t={task.checkin_token}")


def qr_svg(request, task) -> HttpResponse:
    buffer = segno.make(checkin_url(request, task), error="m")
    response = HttpResponse(content_type="image/svg+xml")
    buffer.save(response, kind="svg", scale=6, border=2, xmldecl=False)
    response["Cache-Control"] = "private, no-store"
    return response


def signup_action(request, *, signup_id: int, action: str, back: str):
    """POST an organiser's action on a sign-up; ``back`` names the task page to return to."""
    signup = selectors.signup_get_for_user(scope=request.scope, signup_id=signup_id)
    scope = request.scope
    try:
        if action == "assign":
            services.signup_assign(actor=scope, signup=signup)
            messages.success(request, _("%(name)s is assigned.") % {"name": signup.volunteer.name})
        elif action == "decline":
            services.signup_decline(actor=scope, signup=signup)
            messages.success(request, _("%(name)s is not assigned; the place is free.") % {"name": signup.volunteer.name})
        elif action == "attendance":
            form = AttendanceForm(request.POST)
            if not form.is_valid():
                raise services.tasks.ValidationFailed(_("Give the time the volunteer came (and left)."))
            services.signup_mark_attendance(actor=scope, signup=signup, **form.cleaned_data)
            messages.success(request, _("Attendance recorded."))
        elif action == "confirm":
            form = ConfirmForm(request.POST)
            if not form.is_valid():
                raise services.tasks.ValidationFailed(_("Hours are a number from 0 to 12."))
            hours = form.cleaned_data.get("hours")
            minutes = int(hours * 60) if isinstance(hours, Decimal) else None
            done = services.signup_confirm(actor=scope, signup=signup, minutes=minutes, note=form.cleaned_data["note"])
            messages.success(
                request,
                _("%(hours)s hours confirmed for %(name)s: %(points)s points.")
                % {"hours": done.hours, "name": signup.volunteer.name, "points": done.points},
            )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(back, volunteer_task_id=signup.task_id)


def task_context(request, task) -> dict:
    """The organiser's view of a task: sign-ups and what the user may do with them."""
    user = request.user
    return {
        "task": task,
        "signups": list(selectors.task_signups(task=task)),
        "can_organise": services.tasks.can_organise(request.scope, task),
        "is_organiser": task.organiser_id == user.pk,
        "checkin_url": checkin_url(request, task),
        "attendance_form": AttendanceForm(),
        "confirm_form": ConfirmForm(),
    }

"""Forms of the volunteer pages: parsing and labels only; the rules are in the services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from volunteers.models import RewardKind, Skill, TaskKind, VolunteerKind


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _aware(value):
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


class RegisterSelfForm(forms.Form):
    community = forms.TypedChoiceField(label=_("Community"), coerce=int)
    kind = forms.ChoiceField(label=_("I am a"), choices=VolunteerKind.choices)
    skills = forms.CharField(label=_("Skills"), max_length=200, required=False)
    availability = forms.CharField(label=_("When available"), max_length=100, required=False)

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(c.pk, c.name) for c in communities]


class VolunteerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.CharField(label=_("Mobile number"), max_length=20)
    kind = forms.ChoiceField(label=_("Kind"), choices=VolunteerKind.choices)
    skills = forms.CharField(label=_("Skills"), max_length=200, required=False)
    availability = forms.CharField(label=_("When available"), max_length=100, required=False)


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=60)
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    description = forms.CharField(label=_("What the team does"), max_length=300, required=False)


class MemberForm(forms.Form):
    volunteer = forms.TypedChoiceField(label=_("Volunteer"), coerce=int)
    skill = forms.ChoiceField(label=_("Skill"), choices=Skill.choices)

    def __init__(self, *args, volunteers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].choices = [(v.pk, v.name) for v in volunteers]


class LeaderForm(forms.Form):
    volunteer = forms.TypedChoiceField(label=_("Team leader"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, volunteers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].choices = [("", "—")] + [(v.pk, v.name) for v in volunteers]


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=TaskKind.choices)
    skill = forms.ChoiceField(label=_("Skill needed"), choices=[("", "—"), *Skill.choices], required=False)
    place = forms.CharField(label=_("Place"), max_length=100)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=LocalDateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=LocalDateTimeInput())
    slots = forms.IntegerField(label=_("Places"), min_value=1, max_value=500, initial=5)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None)
    household = forms.IntegerField(
        label=_("Household helped (resident number)"), required=False,
        help_text=_("For free help at home: the resident's number in the resident list. Volunteers see who it is only once assigned."),
    )

    def __init__(self, *args, teams=(), with_household=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "—")] + [(t.pk, t.name) for t in teams]
        if not with_household:
            del self.fields["household"]

    def clean_starts_at(self):
        return _aware(self.cleaned_data["starts_at"])

    def clean_ends_at(self):
        return _aware(self.cleaned_data["ends_at"])


class AttendanceForm(forms.Form):
    checked_in_at = forms.DateTimeField(label=_("Came at"), widget=LocalDateTimeInput())
    checked_out_at = forms.DateTimeField(label=_("Left at"), widget=LocalDateTimeInput(), required=False)

    def clean_checked_in_at(self):
        return _aware(self.cleaned_data["checked_in_at"])

    def clean_checked_out_at(self):
        return _aware(self.cleaned_data.get("checked_out_at"))


class ConfirmForm(forms.Form):
    hours = forms.DecimalField(
        label=_("Hours"), min_value=0, max_value=12, decimal_places=1, required=False,
        help_text=_("Leave empty to use the check-in and check-out times."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    task_kind = forms.ChoiceField(label=_("For tasks of kind"), choices=[("", _("Every kind")), *TaskKind.choices], required=False)
    per_hour = forms.IntegerField(label=_("Points per hour"), min_value=0, max_value=1000, initial=0)
    bonus = forms.IntegerField(label=_("Bonus points per task"), min_value=0, max_value=10000, initial=0)


class RewardForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    kind = forms.ChoiceField(label=_("Kind"), choices=RewardKind.choices)
    provider = forms.CharField(label=_("Provided by"), max_length=60, required=False)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    points = forms.IntegerField(label=_("Points needed"), min_value=1, max_value=1_000_000)


class RewardCreateForm(RewardForm):
    stock = forms.IntegerField(label=_("In stock"), min_value=0, max_value=100_000, initial=10)


class RewardEditForm(RewardForm):
    active = forms.BooleanField(label=_("On offer"), required=False)


class RestockForm(forms.Form):
    change = forms.IntegerField(
        label=_("Change in stock"), min_value=-100_000, max_value=100_000,
        help_text=_("Positive to add items, negative to write some off."),
    )

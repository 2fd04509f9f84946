"""Forms of the jobs pages: parsing only; the rules are in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jobs.models import WORK_UNITS, IncomeKind, PayUnit, SaleChannel
from markets.forms import YuanField


class WorkshopForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    product = forms.CharField(label=_("Work and product"), max_length=200)
    merchant = forms.ChoiceField(label=_("Merchant (supplies material, sells the product)"), required=False)
    room = forms.ChoiceField(label=_("Room"), required=False)
    lead_login = forms.CharField(label=_("Workshop lead (login name)"), max_length=150, required=False)
    serves_residents = forms.BooleanField(label=_("The work is a service to residents"), required=False)

    def __init__(self, *args, merchants=(), rooms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merchant"].choices = [("", "—")] + [(str(m.pk), m.name) for m in merchants]
        self.fields["room"].choices = [("", "—")] + [(str(r.pk), r.name) for r in rooms]
        self._merchants = {str(m.pk): m for m in merchants}
        self._rooms = {str(r.pk): r for r in rooms}

    def clean_merchant(self):
        return self._merchants.get(self.cleaned_data.get("merchant") or "")

    def clean_room(self):
        return self._rooms.get(self.cleaned_data.get("room") or "")


class RateForm(forms.Form):
    name = forms.CharField(label=_("Work"), max_length=60)
    unit = forms.ChoiceField(label=_("Unit"), choices=[(u.value, u.label) for u in WORK_UNITS])
    rate_fen = YuanField(label=_("Rate (yuan)"))


class PeriodForm(forms.Form):
    period_start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))


class IncomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=IncomeKind.choices)
    channel = forms.ChoiceField(label=_("Sold"), choices=[("", "—")] + list(SaleChannel.choices), required=False)
    item = forms.CharField(label=_("Item or period"), max_length=100)
    quantity = forms.IntegerField(label=_("Count"), min_value=0, required=False, initial=0)
    amount_fen = YuanField(label=_("Amount (yuan)"))
    occurred_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_quantity(self):
        return self.cleaned_data.get("quantity") or 0


class JobForm(forms.Form):
    title = forms.CharField(label=_("Job"), max_length=100)
    pay_min_fen = YuanField(label=_("Pay from (yuan)"))
    pay_max_fen = YuanField(label=_("Pay up to (yuan)"))
    pay_unit = forms.ChoiceField(label=_("Per"), choices=PayUnit.choices, initial=PayUnit.DAY)
    hours = forms.CharField(label=_("Working hours"), max_length=100)
    place = forms.CharField(label=_("Place of work"), max_length=100)
    skills = forms.CharField(label=_("Skills wanted"), max_length=200, required=False)
    openings = forms.IntegerField(label=_("Openings"), min_value=1, max_value=1000, initial=1)
    description = forms.CharField(label=_("Description"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class WeeklyFairForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Every"),
        coerce=int,
        initial=2,
        choices=[(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday"))],
    )
    weeks = forms.IntegerField(label=_("For how many weeks"), min_value=1, max_value=104, initial=8)
    starts_at = forms.TimeField(label=_("Starts at"), initial="09:00", widget=forms.TimeInput(attrs={"type": "time"}))
    ends_at = forms.TimeField(label=_("Ends at"), initial="11:30", widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label=_("Place"), max_length=100, initial="党群服务中心")


class ProfileForm(forms.Form):
    skills = forms.CharField(label=_("What I can do"), max_length=200)
    availability = forms.CharField(label=_("When I can work"), max_length=100)
    wanted_pay_fen = YuanField(label=_("Pay I want (yuan)"), required=False)
    wanted_unit = forms.ChoiceField(label=_("Per"), choices=PayUnit.choices, initial=PayUnit.DAY)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    is_looking = forms.BooleanField(label=_("I am looking for work"), required=False, initial=True)

"""Forms of the markets pages: parsing only; the rules are in services.py."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.errors import ValidationFailed
from markets.models import MerchantKind, ServiceKind, StallKind
from partners.revenue import percent_to_bp, yuan_to_fen


class YuanField(forms.CharField):
    """An amount typed in yuan ("12.50"), cleaned to integer fen."""

    def clean(self, value):
        value = super().clean(value)
        try:
            return yuan_to_fen(value)
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc.message)) from None


class PercentField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        try:
            return percent_to_bp(value)
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc.message)) from None


class MarketForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100, initial="睦邻集市")
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts_at = forms.TimeField(label=_("Starts at"), initial="08:30", widget=forms.TimeInput(attrs={"type": "time"}))
    ends_at = forms.TimeField(label=_("Ends at"), initial="11:30", widget=forms.TimeInput(attrs={"type": "time"}))
    room = forms.ChoiceField(label=_("Room"), required=False)
    place = forms.CharField(label=_("Or an outdoor place"), max_length=100, required=False, initial="社区广场")
    selling_stalls = forms.IntegerField(label=_("Selling stalls"), min_value=0, max_value=500, initial=20)
    service_stalls = forms.IntegerField(label=_("Free service stalls"), min_value=0, max_value=500, initial=12)
    fee_fen = YuanField(label=_("Fee per selling stall (yuan)"), required=False, initial="0")
    share_bp = PercentField(label=_("Share of takings to the fund (%)"), required=False, initial="5")
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, rooms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].choices = [("", "—")] + [(str(r.pk), r.name) for r in rooms]
        self.rooms = {str(r.pk): r for r in rooms}

    def clean_room(self):
        return self.rooms.get(self.cleaned_data.get("room") or "")


class MerchantForm(forms.Form):
    name = forms.CharField(label=_("Business name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=MerchantKind.choices)
    business = forms.CharField(label=_("What you sell or do"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)


class MerchantApplyForm(MerchantForm):
    community = forms.ChoiceField(label=_("Community"))
    consent = forms.BooleanField(
        label=_("I agree that the community keeps these details to run the markets and the job fair.")
    )

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(str(c.pk), c.name) for c in communities]
        self.communities = {str(c.pk): c for c in communities}
        self.order_fields(["community", "name", "kind", "business", "contact_name", "contact_phone", "consent"])

    def clean_community(self):
        return self.communities[self.cleaned_data["community"]]


class ApplyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of stall"), choices=StallKind.choices)
    service_kind = forms.ChoiceField(
        label=_("Free service (for a service stall)"), choices=[("", "—")] + list(ServiceKind.choices), required=False
    )
    offer = forms.CharField(label=_("What you offer"), max_length=200)


class DonationForm(forms.Form):
    donor_name = forms.CharField(label=_("Donor"), max_length=100)
    item = forms.CharField(label=_("Item"), max_length=100)
    quantity = forms.IntegerField(label=_("Count"), min_value=1, max_value=100_000)
    value_fen = YuanField(label=_("Fair value (yuan)"), required=False, initial="0")


class TakingsForm(forms.Form):
    takings_fen = YuanField(label=_("Takings (yuan)"))
    paid = forms.BooleanField(label=_("The share was handed over now"), required=False)


class VisitsForm(forms.Form):
    person_times = forms.IntegerField(label=_("People served"), min_value=1, max_value=5000)


def today():
    return timezone.localdate()

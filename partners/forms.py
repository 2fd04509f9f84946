"""Forms parse and render; the rules live in partners.services (so the API enforces them too)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import (
    CommitmentPeriod,
    CostBearer,
    MemberRole,
    PartnerKind,
    PartyType,
    Recommendation,
    SettlementPeriod,
    ShareBasis,
    ShareRecipient,
)
from partners.selectors import WEEKDAY_LABELS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


def _text(label, max_length, required=True, rows=None, **kwargs):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget, **kwargs)


SCORES = [(n, str(n)) for n in range(1, 6)]


class CallForm(forms.Form):
    title = _text(_("Title"), 100, help_text=_("e.g. 康平社区“社区合伙人”招募令"))
    summary = _text(_("Summary"), 300, rows=2)
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of partner sought"),
        choices=PartnerKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    body = _text(_("Details"), 8000, required=False, rows=6)
    spaces_offered = _text(_("Spaces offered"), 4000, required=False, rows=3)
    opens_on = forms.DateField(label=_("Open from"), required=False, widget=DateInput())
    closes_on = forms.DateField(label=_("Open until"), required=False, widget=DateInput())


class ApplicationForm(forms.Form):
    party_type = forms.ChoiceField(label=_("I apply as"), choices=PartyType.choices, widget=forms.RadioSelect)
    kind = forms.ChoiceField(label=_("Kind of partner"), choices=PartnerKind.choices)
    name = _text(_("Name of the organisation, or your name"), 100)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=30,
        required=False,
        help_text=_("18 characters, on the business licence. Required for organisations."),
    )
    licence_no = forms.CharField(
        label=_("Licence or certificate number"),
        max_length=40,
        required=False,
        help_text=_("e.g. food business licence, training permit, health certificate."),
    )
    contact_name = _text(_("Contact person"), 50)
    contact_phone = forms.CharField(
        label=_("Contact mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )
    services = _text(_("Services you offer"), 4000, rows=4)
    welfare_offer = _text(_("Free or low-cost services you offer residents"), 4000, required=False, rows=3)
    space_needs = _text(_("Rooms and times you would need"), 2000, required=False, rows=2)
    documents = MultipleFileField(
        label=_("Documents"),
        required=False,
        help_text=_("Business licence, permits, certificates: PDF, JPEG or PNG, up to 5 files of 5 MB each."),
    )
    consent = forms.BooleanField(
        label=_("I agree that the community uses these details to review this application and to contact me about it."),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.RadioSelect
    )
    reason = _text(_("Reason"), 300, required=False, rows=2, help_text=_("Required when rejecting; kept in the file."))


class PartnerForm(forms.Form):
    party_type = forms.ChoiceField(label=_("Party"), choices=PartyType.choices, widget=forms.RadioSelect)
    kind = forms.ChoiceField(label=_("Kind"), choices=PartnerKind.choices)
    name = _text(_("Name"), 100)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=30, required=False)
    licence_no = forms.CharField(label=_("Licence or certificate number"), max_length=40, required=False)
    contact_name = _text(_("Contact person"), 50, required=False)
    contact_phone = forms.CharField(label=_("Contact mobile number"), max_length=20, required=False)
    services = _text(_("Services offered"), 4000, rows=4, help_text=_("Shown on the community's public page."))
    description = _text(_("Introduction"), 4000, required=False, rows=3)


class PartnerEditForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PartnerKind.choices)
    contact_name = _text(_("Contact person"), 50, required=False)
    contact_phone = forms.CharField(label=_("Contact mobile number"), max_length=20, required=False)
    services = _text(_("Services offered"), 4000, rows=4, help_text=_("Shown on the community's public page."))
    description = _text(_("Introduction"), 4000, required=False, rows=3)


class StatusForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("suspend", _("Suspend")), ("reinstate", _("Reinstate")), ("exit", _("End the partnership"))]
    )
    reason = _text(_("Reason"), 300, required=False)


class ReasonForm(forms.Form):
    reason = _text(_("Reason"), 300)


class RevealForm(forms.Form):
    reason = _text(_("Why do you need it?"), 200)


class MemberForm(forms.Form):
    login = forms.CharField(label=_("Username or mobile number"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, initial=MemberRole.STAFF)


class AgreementForm(forms.Form):
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput())
    space_terms = _text(_("What the community provides"), 4000, required=False, rows=3)
    monthly_rent = forms.CharField(
        label=_("Monthly rent (yuan)"),
        max_length=20,
        required=False,
        help_text=_("Leave empty or 0 when the space is given in exchange for services."),
    )
    utilities_paid_by = forms.ChoiceField(label=_("Water and power paid by"), choices=CostBearer.choices)
    running_costs_paid_by = forms.ChoiceField(label=_("Running costs paid by"), choices=CostBearer.choices)
    cost_notes = _text(_("Notes on costs"), 4000, required=False, rows=2)
    service_terms = _text(
        _("Services and prices"), 4000, required=False, rows=3, help_text=_("e.g. 60–79岁减1元，80岁以上减2元")
    )
    share_basis = forms.ChoiceField(label=_("Revenue share"), choices=ShareBasis.choices)
    share_percent = forms.CharField(label=_("Share (%)"), max_length=8, required=False, help_text=_("e.g. 30 or 12.5"))
    share_recipient = forms.ChoiceField(label=_("Share paid to"), choices=ShareRecipient.choices)
    share_recipient_name = forms.CharField(
        label=_("Recipient name"), max_length=100, required=False, help_text=_("The charity's name, e.g. 鹤山市慈善会.")
    )
    settlement_period = forms.ChoiceField(label=_("Settled"), choices=SettlementPeriod.choices)


class SignForm(forms.Form):
    community_signatory = _text(_("Signs for the community"), 50)
    partner_signatory = _text(_("Signs for the partner"), 50)


class RenewForm(forms.Form):
    ends_on = forms.DateField(label=_("The renewal ends on"), widget=DateInput())


class CommitmentForm(forms.Form):
    title = _text(_("Commitment"), 200, help_text=_("e.g. 为8名困境儿童免费辅导"))
    metric = _text(_("What is counted"), 50, help_text=_("e.g. 受助儿童"))
    unit = forms.CharField(label=_("Unit"), max_length=10, required=False, help_text=_("e.g. 名, 场, 次"))
    target = forms.IntegerField(label=_("Target"), min_value=1)
    period = forms.ChoiceField(label=_("Period"), choices=CommitmentPeriod.choices)


class EntryForm(forms.Form):
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput())
    quantity = forms.IntegerField(label=_("How many"), min_value=1)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class EvaluationForm(forms.Form):
    period_start = forms.DateField(label=_("From"), widget=DateInput())
    period_end = forms.DateField(label=_("To"), widget=DateInput())
    staff_score = forms.TypedChoiceField(label=_("Staff score"), choices=SCORES, coerce=int, widget=forms.RadioSelect)
    recommendation = forms.ChoiceField(label=_("Recommendation"), choices=Recommendation.choices)
    comment = _text(_("Comment"), 4000, required=False, rows=3)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(label=_("Your rating"), choices=SCORES, coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), max_length=200, required=False)


class SlotForm(forms.Form):
    room = forms.TypedChoiceField(label=_("Room"), coerce=int)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days"), coerce=int, choices=list(enumerate(WEEKDAY_LABELS)), widget=forms.CheckboxSelectMultiple
    )
    start_time = forms.TimeField(label=_("From"), widget=TimeInput())
    end_time = forms.TimeField(label=_("To"), widget=TimeInput())

    def __init__(self, *args, rooms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].choices = [(r.pk, str(r)) for r in rooms]

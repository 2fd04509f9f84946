"""Forms of the matching pages: parsing only; the rules live in the services."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from matching.models import AffectedGroup, Category, NeedSource, NeedStatus, OfferedBy, ResourceStatus, Urgency
from residents.models import ConsentMethod

DATE = forms.DateInput(attrs={"type": "date"})


class NeedForm(forms.Form):
    title = forms.CharField(label=_("The need"), max_length=100)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    source = forms.ChoiceField(
        label=_("Source"), choices=[c for c in NeedSource.choices if c[0] != NeedSource.RESIDENT], initial=NeedSource.STAFF
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    affected_count = forms.IntegerField(label=_("People affected"), min_value=1, initial=1)
    affected_groups = forms.MultipleChoiceField(
        label=_("Groups affected"), choices=AffectedGroup.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    urgency = forms.TypedChoiceField(label=_("Urgency"), choices=Urgency.choices, coerce=int, initial=Urgency.NORMAL)
    grid = forms.TypedChoiceField(label=_("Grid"), coerce=int, required=False, empty_value=None)
    building = forms.TypedChoiceField(label=_("Building"), coerce=int, required=False, empty_value=None)
    needed_from = forms.DateField(label=_("Needed from"), required=False, widget=DATE)
    needed_until = forms.DateField(label=_("Needed until"), required=False, widget=DATE)

    def __init__(self, *args, grids=(), buildings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].choices = [("", _("Whole community"))] + [(g.pk, g.name) for g in grids]
        self.fields["building"].choices = [("", "—")] + [(b.pk, f"{b.parent.name} · {b.name}") for b in buildings]


class RaiseForm(forms.Form):
    """A resident's need, on a phone: what, which kind, how urgent."""

    title = forms.CharField(label=_("What do you need?"), max_length=100)
    category = forms.ChoiceField(label=_("Kind of help"), choices=Category.choices)
    description = forms.CharField(
        label=_("More details (optional)"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    urgency = forms.TypedChoiceField(label=_("How urgent?"), choices=Urgency.choices, coerce=int, initial=Urgency.NORMAL)


class ResourceForm(forms.Form):
    title = forms.CharField(label=_("What is offered"), max_length=100)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    offered_by = forms.ChoiceField(label=_("Offered by"), choices=OfferedBy.choices)
    provider_name = forms.CharField(label=_("Provider"), max_length=100, required=False)
    partner = forms.TypedChoiceField(label=_("Partner"), coerce=int, required=False, empty_value=None)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    quantity = forms.IntegerField(label=_("How much"), min_value=0, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False, help_text=_("e.g. 份/天, 人, 棵"))
    available_from = forms.DateField(label=_("Available from"), required=False, widget=DATE)
    available_until = forms.DateField(label=_("Available until"), required=False, widget=DATE)
    grid = forms.TypedChoiceField(label=_("Grid"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, grids=(), partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].choices = [("", _("Whole community"))] + [(g.pk, g.name) for g in grids]
        self.fields["partner"].choices = [("", "—")] + [(p.pk, p.name) for p in partners]


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=NeedStatus.choices + ResourceStatus.choices)


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Project"), max_length=100)
    owner_name = forms.CharField(label=_("Owner"), max_length=100)
    plan = forms.CharField(label=_("Plan"), widget=forms.Textarea(attrs={"rows": 4}))
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DATE)
    needs = forms.TypedMultipleChoiceField(
        label=_("Needs it meets"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    resources = forms.TypedMultipleChoiceField(
        label=_("Resources it uses"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, needs=(), resources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"].choices = [(n.pk, n.title) for n in needs]
        self.fields["resources"].choices = [(r.pk, f"{r.title} · {r.provider_name}") for r in resources]


class ProgressForm(forms.Form):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}))
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)


class TextForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class FundingForm(forms.Form):
    amount_yuan = forms.DecimalField(label=_("Amount (yuan)"), min_value=Decimal("0.01"), max_digits=10, decimal_places=2)
    purpose = forms.CharField(label=_("What the money is for"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)


class WishForm(forms.Form):
    resident = forms.TypedChoiceField(label=_("Resident (never shown publicly)"), coerce=int)
    title = forms.CharField(label=_("The wish"), max_length=60, help_text=_("e.g. 一个新书包, 轮椅维修, 上门探望"))
    who_public = forms.CharField(
        label=_("Who, as shown publicly"), max_length=40, help_text=_("e.g. 一位八旬独居老人. No name, building or room.")
    )
    details = forms.CharField(label=_("Details (public)"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, initial=Category.GOODS)
    estimated_yuan = forms.IntegerField(label=_("Estimated value (yuan)"), min_value=0, max_value=1000, required=False)
    # The consent is a residents.ConsentRecord (purpose: micro-wish). Ticking records it with
    # the wish; a resident whose consent is already on record needs no tick.
    consent_given = forms.BooleanField(
        label=_("The resident agrees to the micro-wish being published (without identifying details)"),
        required=False,
        help_text=_("Records the consent. Not needed if it is already on the resident's page."),
    )
    consent_method = forms.ChoiceField(label=_("How"), choices=ConsentMethod.choices, initial=ConsentMethod.ORAL)
    consent_note = forms.CharField(
        label=_("How the resident consented"), max_length=200, help_text=_("e.g. 本人口头同意，家访时")
    )
    guardian_name = forms.CharField(label=_("Guardian's name (under 14)"), max_length=50, required=False)
    guardian_relation = forms.CharField(label=_("Relation, e.g. 母亲"), max_length=20, required=False)

    def __init__(self, *args, residents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].choices = [(r.pk, f"{r.name} · {r.grid.name}") for r in residents]


class ClaimForm(forms.Form):
    display_name = forms.CharField(
        label=_("Name shown on the wish wall"), max_length=40, required=False, help_text=_("Leave empty to stay anonymous.")
    )
    promise = forms.BooleanField(label=_("I will fulfil this wish within two weeks."), required=True)


class FulfilForm(forms.Form):
    photo = forms.FileField(label=_("Photo as proof (JPEG, PNG or WebP, 5 MB at most)"))
    note = forms.CharField(label=_("How it was fulfilled"), max_length=300, required=False)

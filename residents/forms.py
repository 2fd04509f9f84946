from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from residents.models import ConsentMethod, ConsentPurpose, VulnerableTag


class ResidentForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=18, help_text=_("18 characters; the last may be X."))
    phone = forms.CharField(label=_("Mobile number"), max_length=20, required=False)
    grid = forms.ChoiceField(label=_("Grid"))
    building = forms.ChoiceField(label=_("Building"), required=False)
    unit = forms.CharField(label=_("Unit"), max_length=10, required=False)
    room = forms.CharField(label=_("Room"), max_length=10, required=False)
    tags = forms.ModelMultipleChoiceField(
        label=_("Vulnerable groups"),
        queryset=VulnerableTag.objects.filter(min_age__isnull=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, grids=(), buildings=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].choices = [("", "—")] + [(g.name, g.name) for g in grids]
        self.fields["building"].choices = [("", "—")] + [(b.name, f"{b.parent.name} · {b.name}") for b in buildings]
        if editing:
            self.fields["id_number"].disabled = True
            self.fields["id_number"].required = False


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=[("id_number", _("ID number")), ("phone", _("Mobile number"))])
    reason = forms.CharField(label=_("Why do you need it?"), max_length=200)
    # Asked again when the session has not re-authenticated in the last minutes (accounts.reauth).
    password = forms.CharField(required=False, widget=forms.PasswordInput)
    code = forms.CharField(required=False, max_length=8)


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class SelfContactForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=20)


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("For what"), choices=ConsentPurpose.choices)
    granted = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Consents")), ("0", _("Does not consent / withdraws"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    method = forms.ChoiceField(label=_("How"), choices=ConsentMethod.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    guardian_name = forms.CharField(label=_("Guardian's name (under 14)"), max_length=50, required=False)
    guardian_relation = forms.CharField(label=_("Relation, e.g. 母亲"), max_length=20, required=False)


class MoveOutForm(forms.Form):
    left_on = forms.DateField(label=_("Moved out on"), widget=forms.DateInput(attrs={"type": "date"}))


class DeletionRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (optional)"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeletionDecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("carry_out", "carry_out"), ("refuse", "refuse")])
    note = forms.CharField(max_length=300, required=False)

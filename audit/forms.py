from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import Kind


class EventFilter(forms.Form):
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Event"), required=False, choices=[("", _("All"))] + list(Kind.choices))
    username = forms.CharField(label=_("Account"), required=False, max_length=150)

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

"""Forms of the snapshot pages. Photos are read from ``request.FILES.getlist`` and checked by the
services (snapshots/images.py), so the page and the API refuse the same files with the same words."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from snapshots import selectors


def place_choices(community) -> list:
    """One "where" list: buildings grouped by grid, then the named places of the plan."""
    choices: list = [("", _("Choose…"))]
    for group in selectors.places_of(community=community):
        choices.append((group.grid.name, [(f"b:{b.pk}", b.name) for b in group.buildings]))
    zones = list(selectors.zones_of(community=community))
    if zones:
        choices.append((str(_("Places on the plan")), [(f"z:{z.pk}", z.name) for z in zones]))
    return choices


class ReportForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("What is the problem?"), queryset=selectors.categories_active(), empty_label=_("Choose…")
    )
    place = forms.ChoiceField(label=_("Where?"))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you saw, and anything that helps find it (floor, corner). Optional."),
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["category"].queryset = selectors.categories_active()
        self.fields["place"].choices = place_choices(community)

    def place_objects(self):
        """(building, zone) from the chosen value; one of them is None."""
        kind, _sep, pk = self.cleaned_data["place"].partition(":")
        if kind == "b":
            return selectors.buildings_of(community=self.community).filter(pk=pk).first(), None
        return None, selectors.zones_of(community=self.community).filter(pk=pk).first()


class CloseForm(forms.Form):
    resolution = forms.CharField(
        label=_("What was done"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class DismissForm(forms.Form):
    reason = forms.CharField(label=_("Why is it dismissed?"), max_length=500)


class ReassignForm(forms.Form):
    to_user = forms.ChoiceField(label=_("Give to"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, handlers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.handlers = {str(u.pk): u for u in handlers}
        self.fields["to_user"].choices = [("", _("Community staff"))] + [(k, str(u)) for k, u in self.handlers.items()]

    def chosen(self):
        return self.handlers.get(self.cleaned_data.get("to_user") or "")


class PlanForm(forms.Form):
    image = forms.FileField(label=_("Plan image"), help_text=_("A photo or drawing of the community's map (JPEG or PNG)."))


class ZoneForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=40, help_text=_("e.g. 北门垃圾房, 3号楼前停车场"))
    grid = forms.ChoiceField(label=_("Grid that looks after it"))
    left = forms.IntegerField(label=_("Left edge (percent of the width)"), min_value=0, max_value=100, initial=0)
    top = forms.IntegerField(label=_("Top edge (percent of the height)"), min_value=0, max_value=100, initial=0)
    width = forms.IntegerField(label=_("Width (%)"), min_value=0, max_value=100, initial=10)
    height = forms.IntegerField(label=_("Height (%)"), min_value=0, max_value=100, initial=10)

    def __init__(self, *args, grids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.grids = {str(g.pk): g for g in grids}
        self.fields["grid"].choices = [(k, g.name) for k, g in self.grids.items()]

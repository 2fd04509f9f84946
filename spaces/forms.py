"""Forms of the spaces pages: they parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.errors import ValidationFailed
from spaces import hours
from spaces.models import HolderKind, RoomFunction


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def _weekday_choices():
    return [(str(i), name) for i, name in enumerate(hours.WEEKDAY_NAMES)]


class RoomForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    function = forms.ModelChoiceField(label=_("Main function"), queryset=RoomFunction.objects.all())
    also_functions = forms.ModelMultipleChoiceField(
        label=_("Also serves as"),
        queryset=RoomFunction.objects.all(),
        required=False,
        help_text=_("Other functions of the standard this room covers (hold Ctrl or ⌘ to pick several)."),
    )
    area_m2 = forms.IntegerField(label=_("Area (m²)"), min_value=1, max_value=100_000)
    capacity = forms.IntegerField(label=_("Capacity (people)"), min_value=0, max_value=10_000, initial=0)
    building = forms.ChoiceField(label=_("Building"), required=False)
    floor = forms.IntegerField(label=_("Floor"), required=False, min_value=-5, max_value=100)
    facilities = forms.CharField(
        label=_("Facilities"), required=False, max_length=1000, help_text=_("Separated by 、 or commas, e.g. 投影仪、音响、空调")
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=300)
    is_active = forms.BooleanField(label=_("In use (takes bookings)"), required=False, initial=True)
    photo = forms.ImageField(label=_("Add a photo"), required=False)
    photo_caption = forms.CharField(label=_("Photo caption"), required=False, max_length=100)
    remove_photos = forms.MultipleChoiceField(
        label=_("Remove photos"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, buildings=(), photos=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].choices = [("", "—")] + [(str(b.pk), f"{b.parent.name} · {b.name}") for b in buildings]
        for day, name in enumerate(hours.WEEKDAY_NAMES):
            self.fields[f"hours_{day}"] = forms.CharField(
                label=name,
                required=False,
                max_length=200,
                help_text=_("e.g. 08:30-12:00, 14:00-21:00; empty = closed") if day == 0 else "",
            )
        self.fields["remove_photos"].choices = [(str(p.pk), p.caption or p.image.name.rsplit("/", 1)[-1]) for p in photos]
        if not photos:
            del self.fields["remove_photos"]

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("A photo may be 5 MB at most."))
        return photo

    @property
    def hour_fields(self):
        return [self[f"hours_{day}"] for day in range(7)]

    def clean(self):
        data = super().clean()
        week = hours.empty_week()
        for day in range(7):
            try:
                week[day] = hours.parse_periods(data.get(f"hours_{day}", ""))
            except ValidationFailed as exc:
                self.add_error(f"hours_{day}", str(exc.message))
        data["week"] = week
        return data

    @staticmethod
    def initial_for(room) -> dict:
        week = room.week
        initial = {
            "name": room.name,
            "function": room.function_id,
            "also_functions": [f.pk for f in room.also_functions.all()],
            "area_m2": room.area_m2,
            "capacity": room.capacity,
            "building": str(room.building_id or ""),
            "floor": room.floor,
            "facilities": "、".join(room.facilities),
            "description": room.description,
            "is_active": room.is_active,
        }
        for day in range(7):
            initial[f"hours_{day}"] = hours.day_text(week[day])
        return initial


class BookingForm(forms.Form):
    ONCE, WEEKLY = "once", "weekly"

    repeat = forms.ChoiceField(
        label=_("Repeat"),
        choices=[(ONCE, _("Once")), (WEEKLY, _("Every week"))],
        initial=ONCE,
        widget=forms.RadioSelect,
    )
    date = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    start = forms.TimeField(label=_("From"), widget=TimeInput())
    end = forms.TimeField(label=_("To"), widget=TimeInput())
    weekdays = forms.MultipleChoiceField(
        label=_("Weekdays (weekly)"), required=False, choices=_weekday_choices, widget=forms.CheckboxSelectMultiple
    )
    first_date = forms.DateField(label=_("First date (weekly)"), required=False, widget=DateInput())
    last_date = forms.DateField(label=_("Last date (weekly)"), required=False, widget=DateInput())
    holder_kind = forms.ChoiceField(label=_("Booked for"), choices=HolderKind.choices)
    holder_name = forms.CharField(label=_("Name of the partner, activity, team or group"), max_length=100)
    title = forms.CharField(label=_("Title"), max_length=100, help_text=_("e.g. 四点半课堂, 银发合唱团排练"))

    def clean(self):
        data = super().clean()
        if data.get("repeat") == self.WEEKLY:
            for name in ("weekdays", "first_date", "last_date"):
                if not data.get(name):
                    self.add_error(name, _("Needed for a weekly booking."))
        elif not data.get("date"):
            self.add_error("date", _("Needed for a one-off booking."))
        return data


class MoveForm(forms.Form):
    room = forms.ChoiceField(label=pgettext_lazy("spaces", "Room"))
    date = forms.DateField(label=_("Date"), widget=DateInput())
    start = forms.TimeField(label=_("From"), widget=TimeInput())
    end = forms.TimeField(label=_("To"), widget=TimeInput())

    def __init__(self, *args, rooms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].choices = [(str(r.pk), r.name) for r in rooms]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is it cancelled?"), max_length=200)


class SeriesCancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is it cancelled?"), max_length=200)
    from_date = forms.DateField(
        label=_("Cancel from"), required=False, widget=DateInput(), help_text=_("Empty: every date still to come.")
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))

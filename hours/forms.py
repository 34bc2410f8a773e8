from django import forms
from django.utils.translation import gettext_lazy as _

from hours.models import Weekday


class BusinessHoursForm(forms.Form):
    """Two periods per day (morning and afternoon); an empty period is no period."""

    country = forms.CharField(label=_("Country"), max_length=2, help_text=_("ISO code, e.g. ES."))
    subdivision = forms.CharField(
        label=_("Region"),
        max_length=10,
        required=False,
        help_text=_("Its own holidays too, e.g. MD for Madrid, CT for Catalonia."),
    )
    out_of_office = forms.BooleanField(
        label=_("Send an out-of-office acknowledgement"),
        required=False,
        help_text=_(
            "Customers who write while you are closed get an email saying when you open again. "
            "The operator approves the wording first; it never counts as your reply."
        ),
    )
    out_of_office_es = forms.CharField(
        label=_("Text in Spanish"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    out_of_office_en = forms.CharField(
        label=_("Text in English"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for day in Weekday:
            for slot in (1, 2):
                for edge in ("opens", "closes"):
                    self.fields[f"d{day.value}_{slot}_{edge}"] = forms.TimeField(
                        required=False,
                        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                    )

    def days(self):
        """(weekday label, [(opens field, closes field), ...]) for the template."""
        return [
            (
                day.label,
                [
                    (self[f"d{day.value}_{slot}_opens"], self[f"d{day.value}_{slot}_closes"])
                    for slot in (1, 2)
                ],
            )
            for day in Weekday
        ]

    def clean(self):
        cleaned = super().clean()
        periods = []
        for day in Weekday:
            for slot in (1, 2):
                opens = cleaned.get(f"d{day.value}_{slot}_opens")
                closes = cleaned.get(f"d{day.value}_{slot}_closes")
                if opens is None and closes is None:
                    continue
                if opens is None or closes is None or opens >= closes:
                    self.add_error(
                        f"d{day.value}_{slot}_opens",
                        _("%(day)s: give when you open and when you close, in that order.")
                        % {"day": day.label},
                    )
                    continue
                periods.append((day.value, opens, closes))
        cleaned["periods"] = periods
        return cleaned


class ClosedDayForm(forms.Form):
    day = forms.DateField(label=_("Closed on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from incidents.models import Incident, IncidentOpenedBy
from incidents.reasons import close_reason_choices, open_reason_choices
from orders.models import Order, OrderLine


def resolve_prefix(incident) -> str:
    """One form per OPEN incident on a page: the prefix keeps their field ids apart."""
    return f"resolve-{incident.pk}"


class IncidentResolveForm(forms.Form):
    """The seller's "mark as resolved": how it was solved and what to tell the operator."""

    reason = forms.ChoiceField(label=_("Closing reason"))
    message = forms.CharField(
        label=_("Message to the operator"),
        help_text=_(
            "What you did to solve the problem. It is posted in the order's thread with the operator."
        ),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, close_choices=None, **kwargs):
        """`close_choices`: the closing reasons already read for this request (a page with
        several forms reads the operator's list once); read here when not given."""
        super().__init__(*args, **kwargs)
        if close_choices is None:
            close_choices = close_reason_choices()
        self.fields["reason"].choices = [("", _("Choose a reason…")), *close_choices]


# --- Operator (admin) ----------------------------------------------------------------------


class OrderAutocomplete(AutocompleteSelect):
    """The admin's order autocomplete, which works on ids: a reference that chose no single
    order (two shops use it) comes back as nothing chosen, next to its error."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [item for item in value if str(item).isdigit()], attr)


class OrderByReferenceField(forms.ModelChoiceField):
    """An order chosen in the admin's autocomplete (which posts its id) or given by its
    reference (typed, or in a link such as `?order=NOR-5151`): the operator knows orders by
    their reference, never by our internal id."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        found = list(self.queryset.filter(reference=str(value).strip())[:2])
        if len(found) > 1:
            raise ValidationError(
                _("Several shops have an order %(reference)s: choose it in the list."),
                code="ambiguous_reference",
                params={"reference": value},
            )
        if found:
            return found[0]
        return super().to_python(value)


class IncidentOpenForm(forms.Form):
    """The operator opens an incident from the admin; the service checks the order's state
    (the autocomplete only offers orders that can have one, a typed reference may not)."""

    order = OrderByReferenceField(
        label=_("Order"),
        queryset=Order.objects.all(),
        widget=OrderAutocomplete(Incident._meta.get_field("order"), admin.site),
        help_text=_("A shipped or received order: type its reference."),
    )
    line = forms.ModelChoiceField(
        label=_("Order line"),
        queryset=OrderLine.objects.none(),
        required=False,
        help_text=_(
            "Optional: the product the incident is about. The lines of the order appear here "
            "once the order is chosen (press “Show the order's lines”)."
        ),
    )
    opened_by = forms.ChoiceField(label=_("Opened by"), choices=IncidentOpenedBy.choices)
    reason = forms.ChoiceField(label=_("Reason"))
    description = forms.CharField(
        label=_("Description"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The operator's list as it is now (read per request, never at import).
        self.fields["reason"].choices = open_reason_choices()
        order = self._chosen_order()
        if order is not None:
            # Only the chosen order's lines: the service refuses a line of another order anyway.
            self.fields["line"].queryset = OrderLine.objects.filter(order=order)
            # The autocomplete shows an order given by its reference as chosen (it works on ids).
            if self.is_bound:
                self.data = self.data.copy()
                self.data[self.add_prefix("order")] = order.pk
            else:
                self.initial["order"] = order.pk

    def _chosen_order(self) -> Order | None:
        value = self.data.get(self.add_prefix("order")) if self.is_bound else None
        if value in (None, ""):
            value = self.initial.get("order")
        try:
            return self.fields["order"].clean(value)
        except ValidationError:
            return None  # is_valid() says why


class IncidentCloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Closing reason"),
        required=False,
        help_text=_("Required to close an incident that is still open."),
    )
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", _("Keep the shop's reason")), *close_reason_choices()]


class IncidentReopenForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the shop"),
        help_text=_("Why the resolution is not enough."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

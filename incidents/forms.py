from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.utils.translation import gettext_lazy as _

from incidents.models import Incident, IncidentOpenedBy
from incidents.reasons import close_reason_choices, open_reason_choices
from orders.models import Order, OrderLine


def resolve_prefix(incident) -> str:
    """One form per OPEN incident on a page: the prefix keeps their field ids apart."""
    return f"resolve-{incident.pk}"


class IncidentResolveForm(forms.Form):
    """The seller's "mark as resolved": how it was solved and what to tell the operator."""

    reason = forms.ChoiceField(
        label=_("Closing reason"),
        choices=[("", _("Choose a reason…")), *close_reason_choices()],
    )
    message = forms.CharField(
        label=_("Message to the operator"),
        help_text=_(
            "What you did to solve the problem. It is posted in the order's thread with the operator."
        ),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- Operator (admin) ----------------------------------------------------------------------


class IncidentOpenForm(forms.Form):
    """The operator opens an incident from the admin; the service checks the order's state."""

    order = forms.ModelChoiceField(
        label=_("Order"),
        queryset=Order.objects.all(),
        widget=ForeignKeyRawIdWidget(Incident._meta.get_field("order").remote_field, admin.site),
        help_text=_("A shipped or received order."),
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
    reason = forms.ChoiceField(label=_("Reason"), choices=open_reason_choices())
    description = forms.CharField(
        label=_("Description"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, order_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        order_id = order_id or self.data.get("order") or self.initial.get("order")
        if order_id and str(order_id).isdigit():
            # Only the chosen order's lines: the service refuses a line of another order anyway.
            self.fields["line"].queryset = OrderLine.objects.filter(order_id=int(order_id))


class IncidentCloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Closing reason"),
        choices=[("", _("Keep the shop's reason")), *close_reason_choices()],
        required=False,
        help_text=_("Required to close an incident that is still open."),
    )
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class IncidentReopenForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the shop"),
        help_text=_("Why the resolution is not enough."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

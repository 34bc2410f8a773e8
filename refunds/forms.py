from django import forms
from django.utils.translation import gettext_lazy as _

from refunds.calculations import Balance, LineRequest, RefundRequest
from refunds.reasons import reason_choices
from sellerdesk.formatting import format_number

MONEY = {"max_digits": 12, "decimal_places": 2, "required": False, "localize": True}


def _money_input(**attrs):
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", **attrs})


class RefundForm(forms.Form):
    """The seller's refund form: one field per way to refund, all optional but the reason.

    Blank fields ask for nothing; what is asked goes to the same computation as the API's.
    """

    reason = forms.ChoiceField(label=_("Reason"))  # choices: the operator's list, per request
    amount = forms.DecimalField(
        label=_("Amount on the products"),
        help_text=_("Spread over the products in proportion to what remains refundable."),
        widget=_money_input(**{"data-refund-field": "amount"}),
        **MONEY,
    )
    shipping_amount = forms.DecimalField(
        label=_("Shipping amount"),
        widget=_money_input(**{"data-refund-field": "shipping_amount"}),
        **MONEY,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, order, balance: Balance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", "—"), *reason_choices()]
        # "0,00" for a Spanish reader, "0.00" for an English one: what the field will accept.
        zero = format_number(0, 2)
        for name in ("amount", "shipping_amount"):
            self.fields[name].widget.attrs["placeholder"] = zero
        self.order = order
        self.line_rows = []
        for line in order.lines.all():
            line_balance = balance.lines[line.pk]
            quantity = forms.IntegerField(
                label=_("Units of %(sku)s") % {"sku": line.sku},
                required=False,
                widget=forms.NumberInput(
                    attrs={
                        "min": 0,
                        "max": line_balance.refundable_quantity,
                        "placeholder": "0",
                        "data-refund-line": line.pk,
                        "data-refund-part": "quantity",
                    }
                ),
            )
            amount = forms.DecimalField(
                label=_("Amount on %(sku)s") % {"sku": line.sku},
                widget=_money_input(**{"data-refund-line": line.pk, "data-refund-part": "amount"}),
                **MONEY,
            )
            amount.widget.attrs["placeholder"] = zero
            self.fields[f"line_{line.pk}_quantity"] = quantity
            self.fields[f"line_{line.pk}_amount"] = amount
            self.line_rows.append(
                {
                    "line": line,
                    "balance": line_balance,
                    "quantity_field": f"line_{line.pk}_quantity",
                    "amount_field": f"line_{line.pk}_amount",
                }
            )

    def bound_line_rows(self):
        return [
            {**row, "quantity": self[row["quantity_field"]], "amount": self[row["amount_field"]]}
            for row in self.line_rows
        ]

    def refund_request(self) -> RefundRequest:
        data = self.cleaned_data
        lines = []
        for row in self.line_rows:
            quantity = data.get(row["quantity_field"])
            amount = data.get(row["amount_field"])
            if quantity is not None or amount is not None:
                lines.append(LineRequest(line_id=row["line"].pk, quantity=quantity, amount=amount))
        return RefundRequest(
            lines=lines, amount=data.get("amount"), shipping_amount=data.get("shipping_amount")
        )

    def add_domain_error(self, error, *, already_shown: str = "") -> None:
        """Show a refused refund next to the form, each message once: a field's own errors next
        to it, the overall message at the top unless the page says it already (`already_shown`,
        e.g. the window that ended) or a field already carries the same words."""
        shown = {already_shown} if already_shown else set()
        for name, messages in (error.fields or {}).items():
            for message in messages:
                target = name if name in self.fields else None
                if str(message) not in shown and (target or name != "reason"):
                    self.add_error(target, str(message))
                    shown.add(str(message))
        if str(error.detail) not in shown:
            self.add_error(None, str(error.detail))

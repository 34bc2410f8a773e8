from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import WebhookEvent


class WebhookEndpointForm(forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        help_text=_("An https:// address on the internet that answers 2xx to a POST."),
        widget=forms.URLInput(attrs={"placeholder": "https://erp.example.com/sellerdesk"}),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=WebhookEvent.values,
    )

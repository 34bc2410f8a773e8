"""`{% form_key %}`: the one-time key of a page form (see sellerdesk.idempotency.idempotent_form)."""

from django import template
from django.utils.html import format_html

from sellerdesk.idempotency import FORM_FIELD, new_form_key

register = template.Library()


@register.simple_tag(takes_context=True)
def form_key(context):
    """A hidden field with a new key each time the form is rendered; a refused form comes back
    with the key it was sent with replaced, so the corrected submission counts as a new one."""
    return format_html('<input type="hidden" name="{}" value="{}">', FORM_FIELD, new_form_key())

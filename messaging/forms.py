from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from messaging.attachments import ACCEPT_ATTRIBUTE
from messaging.services import MAX_BODY_LENGTH
from replies.variables import unfilled_variables


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the content rules are the service's (attachments_check)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"multiple": True, "accept": ACCEPT_ATTRIBUTE})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def attachment_help() -> str:
    return _(
        "PDF, images (PNG, JPG, GIF), text or CSV, Word, Excel or OpenDocument; "
        "up to %(file)s a file and %(message)s in all."
    ) % {
        "file": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
        "message": filesizeformat(settings.ATTACHMENT_MAX_MESSAGE_BYTES),
    }


def _body_field():
    return forms.CharField(
        label=_("Message"),
        max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ThreadStartForm(forms.Form):
    """Start a conversation: about an order (customer or operator) or with the operator alone."""

    recipient = forms.ChoiceField(
        label=_("Recipient"),
        choices=[("customer", _("Customer")), ("operator", _("Operator"))],
        widget=forms.RadioSelect,
        initial="customer",
    )
    reason = forms.ChoiceField(label=_("Reason"))
    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        required=False,
        help_text=_("Optional: by default the reason and the order number."),
    )
    body = _body_field()
    attachments = MultipleFileField(label=_("Attach files"))

    def __init__(self, *args, reasons, with_order=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachment_help()
        self.fields["reason"].choices = [("", "—")] + [(r.code, r.label) for r in reasons]
        if not with_order:
            # Without an order there is no customer: the conversation is with the operator.
            del self.fields["recipient"]
            self.fields["subject"].required = True
            self.fields["subject"].help_text = ""


class ReplyForm(forms.Form):
    body = _body_field()
    # The reply template inserted (its files go with the message).
    template = forms.IntegerField(required=False, widget=forms.HiddenInput)
    to_customer = forms.BooleanField(label=_("To the customer"), required=False)
    to_operator = forms.BooleanField(label=_("To the operator"), required=False)
    attachments = MultipleFileField(label=_("Attach files"))

    def __init__(self, *args, thread, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachment_help()
        if not thread.order_id:
            del self.fields["to_customer"]
        else:
            self.fields["to_customer"].initial = thread.with_customer
        self.fields["to_operator"].initial = thread.with_operator or not thread.with_customer

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("to_customer") or cleaned.get("to_operator")):
            raise forms.ValidationError(_("Choose who receives the message."))
        unfilled = unfilled_variables(cleaned.get("body") or "")
        if unfilled:
            # A template variable the order could not fill: the customer must never read it.
            self.add_error(
                "body",
                _("Replace %(variables)s with the right text before sending.")
                % {"variables": ", ".join(f"{{{name}}}" for name in unfilled)},
            )
        return cleaned


class NoReplyNeededForm(forms.Form):
    reason = forms.CharField(
        label=_("Why no reply is needed"),
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. the customer only said thanks")}),
    )


class InboxBulkForm(forms.Form):
    """Several selected conversations of the inbox, one action for all of them."""

    MARK_READ, MARK_UNREAD, NO_REPLY_NEEDED = "mark_read", "mark_unread", "no_reply_needed"
    ACTIONS = [
        (MARK_READ, _("Mark as read")),
        (MARK_UNREAD, _("Mark as unread")),
        (NO_REPLY_NEEDED, _("No reply needed")),
    ]

    thread = forms.TypedMultipleChoiceField(coerce=int, label=_("Conversations"))
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    reason = forms.CharField(
        label=_("Why no reply is needed"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. the customer only said thanks")}),
    )

    def __init__(self, *args, thread_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Only ids that exist in the shop are valid choices: another shop's id is "not a choice".
        self.fields["thread"].choices = [(pk, pk) for pk in thread_ids]

    def clean(self):
        data = super().clean()
        if data.get("action") == self.NO_REPLY_NEEDED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why no reply is needed."))
        return data

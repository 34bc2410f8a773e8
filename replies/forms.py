from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from messaging.forms import MultipleFileField, attachment_help
from replies import services
from replies.variables import VARIABLES


def variables_help() -> str:
    return _("Variables filled from the order: %(variables)s.") % {
        "variables": ", ".join(f"{{{name}}}" for name in VARIABLES)
    }


class ReplyTemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    body = forms.CharField(
        label=_("Text"),
        max_length=services.MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    reasons = forms.MultipleChoiceField(
        label=_("Suggest it for"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Offered first in conversations with these reasons."),
    )
    attachments = MultipleFileField(label=_("Files sent with it"))
    remove_attachments = forms.MultipleChoiceField(
        label=_("Remove files"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, reasons, template=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = variables_help()
        self.fields["attachments"].help_text = attachment_help()
        self.fields["reasons"].choices = [(reason.code, reason.label) for reason in reasons]
        if template is None or not template.attachments.all():
            del self.fields["remove_attachments"]
        else:
            self.fields["remove_attachments"].choices = [
                (str(item.pk), item.filename) for item in template.attachments.all()
            ]

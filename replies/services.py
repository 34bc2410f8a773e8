"""Every write on reply templates, and filling one for a thread.

Error codes: `required`, `invalid` (language), `template_variable_unknown` (a variable that does
not exist, with the list of valid ones), `reason_invalid`, `template_name_taken`, and the
attachment codes of `messaging.attachments`.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from messaging.attachments import (
    attachment_store,
    attachments_check,
    attachments_delete,
)
from messaging.models import Reason, ReasonKind
from replies import variables
from replies.models import ReplyTemplate, ReplyTemplateAttachment
from sellerdesk.errors import DomainError

MAX_BODY_LENGTH = 10000


def _checked_fields(*, name: str, language: str, body: str) -> tuple[str, str, str]:
    name, body = (name or "").strip()[:120], (body or "").strip()
    errors = {}
    if not name:
        errors["name"] = [_("This field is required.")]
    if language not in {code for code, _label in settings.LANGUAGES}:
        errors["language"] = [_("Choose Spanish or English.")]
    if not body:
        errors["body"] = [_("This field is required.")]
    elif len(body) > MAX_BODY_LENGTH:
        errors["body"] = [_("Too long.")]
    if errors:
        raise DomainError(next(iter(errors.values()))[0], code="required", fields=errors)
    unknown = variables.unknown_variables(body)
    if unknown:
        message = _("Unknown variable %(names)s. The variables are: %(valid)s.") % {
            "names": ", ".join(f"{{{name}}}" for name in unknown),
            "valid": variables.variables_list(),
        }
        raise DomainError(message, code="template_variable_unknown", fields={"body": [message]})
    return name, language, body


def _reasons(codes) -> list[Reason]:
    codes = list(dict.fromkeys(codes or []))
    found = list(Reason.objects.filter(kind=ReasonKind.MESSAGE, code__in=codes))
    if len(found) != len(codes):
        missing = sorted(set(codes) - {reason.code for reason in found})
        raise DomainError(
            _("“%(code)s” is not a reason for this.") % {"code": missing[0]},
            code="reason_invalid",
            fields={"reasons": [_("Choose one of the reasons offered.")]},
        )
    return found


def _save(template: ReplyTemplate) -> None:
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError:
        raise DomainError(
            _("A template with this name and language already exists."),
            code="template_name_taken",
            fields={"name": [_("Choose another name.")]},
        ) from None


def reply_template_create(
    *,
    shop,
    name: str,
    language: str,
    body: str,
    reason_codes=(),
    attachments=(),
    acting_user=None,
) -> ReplyTemplate:
    """A template for `shop` (None: marketplace-wide, the operator's). Written with its files
    and reasons, or nothing is (the files written are deleted again on failure)."""
    name, language, body = _checked_fields(name=name, language=language, body=body)
    reasons = _reasons(reason_codes)
    checked = attachments_check(attachments)
    stored: list[str] = []
    try:
        with transaction.atomic():
            template = ReplyTemplate(
                shop=shop,
                name=name,
                language=language,
                body=body,
                created_by=acting_user if acting_user and acting_user.is_authenticated else None,
            )
            _save(template)
            template.reasons.set(reasons)
            _attach(template, checked, stored)
    except BaseException:
        attachments_delete(stored)
        raise
    return template


def _attach(template: ReplyTemplate, checked, stored: list[str]) -> None:
    shop_id = template.shop_id or 0  # marketplace-wide files live under shop-0/
    for item in checked:
        name = attachment_store(shop_id=shop_id, checked=item)
        stored.append(name)
        ReplyTemplateAttachment.objects.create(
            template=template,
            stored_name=name,
            filename=item.filename,
            size=item.size,
            content_type=item.content_type,
        )


def reply_template_update(
    *,
    template: ReplyTemplate,
    name: str,
    language: str,
    body: str,
    reason_codes=None,
    attachments=(),
    remove_attachment_ids=(),
) -> ReplyTemplate:
    """Change a template; new files are added, the listed ones removed."""
    name, language, body = _checked_fields(name=name, language=language, body=body)
    reasons = _reasons(reason_codes) if reason_codes is not None else None
    checked = attachments_check(attachments)
    stored: list[str] = []
    removed = list(template.attachments.filter(pk__in=list(remove_attachment_ids or [])))
    try:
        with transaction.atomic():
            template.name, template.language, template.body = name, language, body
            _save(template)
            if reasons is not None:
                template.reasons.set(reasons)
            ReplyTemplateAttachment.objects.filter(pk__in=[item.pk for item in removed]).delete()
            _attach(template, checked, stored)
    except BaseException:
        attachments_delete(stored)
        raise
    transaction.on_commit(lambda: attachments_delete([item.stored_name for item in removed]))
    return template


def reply_template_delete(*, template: ReplyTemplate) -> None:
    names = list(template.attachments.values_list("stored_name", flat=True))
    template.delete()
    transaction.on_commit(lambda: attachments_delete(names))


@dataclass
class FilledTemplate:
    template: ReplyTemplate
    body: str
    missing: list[str]

    @property
    def missing_labels(self) -> list[str]:
        return [f"{{{name}}} ({variables.VARIABLES[name]})" for name in self.missing]


def reply_template_fill(*, template: ReplyTemplate, thread) -> FilledTemplate:
    """The template's text for this thread: each variable replaced by the order's value; the
    ones the order cannot fill stay as written and are listed in `missing`."""
    values = variables.values_for(thread=thread, language=template.language)
    filled = variables.fill(template.body, values)
    return FilledTemplate(template, filled.body, filled.missing)


def template_files(template: ReplyTemplate) -> list[File]:
    """The template's files, opened, to send with a reply (checked again like any upload)."""
    return [File(item.open(), name=item.filename) for item in template.attachments.all()]

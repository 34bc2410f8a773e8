"""Emails of the outbox, rendered at delivery from `templates/notifications/<event>/` in the
notice's language and the shop's timezone: `<recipient>_subject.txt` and `<recipient>_body.txt`,
where <recipient> is shop, customer or operator."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications.hooks import build_context
from sellerdesk.timezones import marketplace_timezone


def template_names(event: str, recipient_kind: str) -> tuple[str, str]:
    folder = f"notifications/{event}/{recipient_kind.lower()}"
    return f"{folder}_subject.txt", f"{folder}_body.txt"


def notice_email(notice, *, connection=None) -> EmailMessage:
    """The email of one notice, in its language (whoever caused it)."""
    # A shop reads on its own clock; the operators on the marketplace's.
    tz = notice.shop.tzinfo if notice.shop_id else marketplace_timezone()
    context = {**notice.params, "shop_name": notice.shop.name if notice.shop_id else ""}
    subject_template, body_template = template_names(notice.event, notice.recipient_kind)
    with translation.override(notice.language), timezone.override(tz):
        # Data the emitting app keeps by id (the deadline digest's threads), read now.
        context.update(build_context(notice))
        subject = render_to_string(subject_template, context)
        body = render_to_string(body_template, context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=notice.addresses,
        reply_to=[notice.reply_to] if notice.reply_to else None,
        headers={"Content-Language": notice.language},
        connection=connection,
    )

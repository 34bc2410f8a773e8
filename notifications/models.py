"""The outbox: every notice to a shop, an operator, a customer or an integration is a `Notice`
row, written in the transaction of the change that causes it and delivered after commit.

`notifications` knows none of the apps that use it (messaging, incidents, refunds, orders):
they hand it the event type, the recipients, the template parameters and the webhook payload,
and may fill the delivered-hooks registry (`notifications.hooks`).
"""

import base64
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sellerdesk.tenancy import ShopScopedQuerySet


class WebhookEvent(models.TextChoices):
    """The events an integrator may subscribe an endpoint to."""

    MESSAGE_RECEIVED = "message.received", _("A customer or operator message arrived")
    THREAD_DUE_SOON = "thread.due_soon", _("A conversation is due for a reply soon")
    THREAD_OVERDUE = "thread.overdue", _("A conversation is overdue for a reply")
    INCIDENT_OPENED = "incident.opened", _("An incident was opened")
    INCIDENT_RESOLVED = "incident.resolved", _("An incident was marked as resolved")
    INCIDENT_CLOSED = "incident.closed", _("An incident was closed")
    INCIDENT_REOPENED = "incident.reopened", _("An incident was reopened")
    REFUND_CREATED = "refund.created", _("A refund was created")
    REFUND_CONFIRMED = "refund.confirmed", _("A refund was paid")
    REFUND_REFUSED = "refund.refused", _("A refund was refused")
    ORDER_STATE_CHANGED = "order.state_changed", _("An order changed state")


# The OpenAPI enum of event types (named once in SPECTACULAR_SETTINGS).
WEBHOOK_EVENT_CHOICES = WebhookEvent.values


class Channel(models.TextChoices):
    EMAIL = "EMAIL", _("Email")
    WEBHOOK = "WEBHOOK", _("Webhook")


class RecipientKind(models.TextChoices):
    SHOP = "SHOP", _("Shop")
    CUSTOMER = "CUSTOMER", _("Customer")
    OPERATOR = "OPERATOR", _("Operator")
    ENDPOINT = "ENDPOINT", _("Webhook endpoint")


class NoticeState(models.TextChoices):
    PENDING = "PENDING", _("Pending")
    SENDING = "SENDING", _("Sending")
    SENT = "SENT", _("Sent")
    FAILED = "FAILED", _("Failed")


SECRET_PREFIX = "whsec_"


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


class WebhookEndpointQuerySet(ShopScopedQuerySet):
    def active(self):
        return self.filter(is_active=True)


class WebhookEndpoint(models.Model):
    """An HTTPS address that receives the events it subscribes to, signed with its secret.

    A shop's endpoint receives that shop's events; an endpoint without a shop is the
    marketplace's own (registered by an operator in the admin) and receives every shop's."""

    shop = models.ForeignKey(
        "shops.Shop",
        verbose_name=_("shop"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="webhook_endpoints",
        help_text=_("Empty: the marketplace's own endpoint, which receives every shop's events."),
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    # Needed in clear to sign; shown to its owner once (when created or rotated).
    secret = models.CharField(max_length=100, default=new_webhook_secret, editable=False)
    # After a rotation, deliveries are signed with both secrets for a day, so the integrator can
    # switch without losing a delivery.
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    disabled_reason = models.CharField(_("why it was disabled"), max_length=300, blank=True)
    # The start of the current run of failed deliveries; cleared by any success.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["shop", "is_active"], name="webhook_endpoint_shop")]

    def __str__(self):
        return self.url

    @property
    def secret_hint(self) -> str:
        """Enough of the secret to recognise it, never enough to use it."""
        return f"{self.secret[:10]}…"

    def signing_secrets(self, now) -> list[str]:
        if (
            self.previous_secret
            and self.previous_secret_expires_at
            and now < self.previous_secret_expires_at
        ):
            return [self.secret, self.previous_secret]
        return [self.secret]


class NoticeQuerySet(ShopScopedQuerySet):
    pass


class Notice(models.Model):
    """One notice to one recipient: an email or a webhook delivery (the outbox row)."""

    event = models.CharField(_("event"), max_length=64)
    # The event's id, shared by every notice of one event: the webhook's `webhook-id`, the same
    # on every retry, so an integrator can drop a delivery it already processed.
    event_id = models.CharField(_("event id"), max_length=40)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    recipient_kind = models.CharField(_("recipient"), max_length=10, choices=RecipientKind.choices)
    # Email: the addresses, comma-separated. Webhook: the endpoint's URL when it was written.
    address = models.CharField(_("address"), max_length=1000, blank=True)
    reply_to = models.CharField(_("reply to"), max_length=254, blank=True)
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("webhook endpoint"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
    )
    shop = models.ForeignKey(
        "shops.Shop",
        verbose_name=_("shop"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    # The object it is about, by model label and id (e.g. "refunds.refund", 42).
    about_type = models.CharField(_("about"), max_length=64, blank=True)
    about_id = models.BigIntegerField(_("about id"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    # Template parameters: data (ids, amounts with currency, states, codes), never sentences.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # The exact JSON body of a webhook, as built in the caller's transaction (kept as text so
    # every retry sends the same bytes).
    payload = models.TextField(_("payload"), blank=True)
    # One event never makes two notices for one recipient: "<event key>|<recipient key>".
    dedup_key = models.CharField(_("dedup key"), max_length=255, unique=True)
    state = models.CharField(
        _("state"), max_length=8, choices=NoticeState.choices, default=NoticeState.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # The retry window counts from here (a resend starts a new one).
    first_attempt_at = models.DateTimeField(_("first attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        _("last status code"), null=True, blank=True
    )
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel="EMAIL") | Q(endpoint__isnull=False),
                name="notice_webhook_has_endpoint",
            ),
        ]
        indexes = [
            # The sweep reads only what is due: pending rows by due time, and stale claims.
            models.Index(
                fields=["next_attempt_at"], condition=Q(state="PENDING"), name="notice_due"
            ),
            models.Index(
                fields=["claimed_at"], condition=Q(state="SENDING"), name="notice_claimed"
            ),
            models.Index(fields=["shop", "state", "-created_at"], name="notice_shop_state"),
            models.Index(fields=["endpoint", "-created_at", "-id"], name="notice_endpoint_log"),
            models.Index(fields=["about_type", "about_id"], name="notice_about"),
            models.Index(fields=["event_id"], name="notice_event"),
        ]

    def __str__(self):
        return f"{self.event} → {self.get_recipient_kind_display()} #{self.pk}"

    @property
    def addresses(self) -> list[str]:
        return [address for address in self.address.split(",") if address]


class DeliveryAttempt(models.Model):
    """One try at delivering a notice: the delivery log (status code, error, time)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField(_("attempt"))
    at = models.DateTimeField(_("when"))
    succeeded = models.BooleanField(_("succeeded"))
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["notice", "number", "id"]
        indexes = [models.Index(fields=["notice", "number"], name="delivery_attempt_notice")]

    def __str__(self):
        return f"#{self.number} {self.status_code or self.error}"

"""Project-wide tables that belong to no single app."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    """The first answer to a creating POST sent with an `Idempotency-Key` (see idempotency.py),
    or to a page form's submission (its one-time form key)."""

    # Whose keys these are: "shop:<id>" (every user and key of one shop share them),
    # "operator:<user id>", or "form:<user id>" for page forms.
    scope = models.CharField(_("scope"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="idempotency_records",
    )
    key = models.CharField(_("key"), max_length=255)
    # "POST /api/v1/orders/12/threads/": a key reused on another endpoint is a different request.
    request_target = models.CharField(_("request"), max_length=500)
    body_hash = models.CharField(_("body hash"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"))
    response_body = models.JSONField(_("response"), encoder=DjangoJSONEncoder, null=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key"], name="idempotency_key_unique_per_scope"
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self):
        return f"{self.key} ({self.request_target})"

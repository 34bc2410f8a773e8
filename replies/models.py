"""Reply templates: a shop's own canned replies, and the marketplace-wide ones the operator
provides (no shop). A body holds variables such as {customer_name}, filled from the thread's
order when the template is inserted in the reply box (`replies.variables`)."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sellerdesk.tenancy import ALL_SHOPS, ShopScopedQuerySet


class ReplyTemplateQuerySet(ShopScopedQuerySet):
    def usable_by(self, shop):
        """What a shop may insert: its own templates and the marketplace-wide ones."""
        if shop is ALL_SHOPS:
            return self.all()
        if shop is None:
            return self.none()
        return self.filter(Q(shop=shop) | Q(shop__isnull=True))


class ReplyTemplate(models.Model):
    shop = models.ForeignKey(
        "shops.Shop",
        verbose_name=_("shop"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reply_templates",
        help_text=_("Empty: a marketplace-wide template every shop may use."),
    )
    name = models.CharField(_("name"), max_length=120)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="es"
    )
    body = models.TextField(_("text"))
    reasons = models.ManyToManyField(
        "messaging.Reason",
        verbose_name=_("suggested for"),
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "message"},
        help_text=_("Offered first in conversations with these reasons."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ReplyTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "name", "language"],
                condition=Q(shop__isnull=False),
                name="reply_template_name_unique_per_shop",
            ),
            models.UniqueConstraint(
                fields=["name", "language"],
                condition=Q(shop__isnull=True),
                name="reply_template_name_unique_marketplace",
            ),
        ]
        indexes = [models.Index(fields=["shop", "name"], name="reply_template_shop_name")]

    def __str__(self):
        return self.name

    @property
    def is_marketplace_wide(self) -> bool:
        return self.shop_id is None


class ReplyTemplateAttachment(models.Model):
    """A file sent with every reply made from the template (kept in the private storage)."""

    template = models.ForeignKey(
        ReplyTemplate,
        verbose_name=_("reply template"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    stored_name = models.CharField(_("stored as"), max_length=255, unique=True)
    filename = models.CharField(_("file name"), max_length=150)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=120)

    class Meta:
        verbose_name = _("template attachment")
        verbose_name_plural = _("template attachments")
        ordering = ["id"]

    def __str__(self):
        return self.filename

    def open(self):
        return storages["attachments"].open(self.stored_name, "rb")

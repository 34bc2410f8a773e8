import hashlib
import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone as django_timezone
from django.utils.translation import gettext_lazy as _

TIMEZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class Shop(models.Model):
    """A seller: a business selling on the marketplace. Every tenant object belongs to one."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("contact email"), blank=True)
    timezone = models.CharField(
        _("timezone"), max_length=64, choices=TIMEZONE_CHOICES, default="Europe/Madrid"
    )
    # The language of every notice to the shop, whoever caused it (an operator working in the
    # English admin still writes to a Spanish shop in Spanish).
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="es",
        help_text=_("The language of the emails the shop receives."),
    )
    created_at = models.DateTimeField(_("created at"), default=django_timezone.now)

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class User(AbstractUser):
    """A seller user (belongs to one shop) or an operator (staff, no shop)."""

    shop = models.ForeignKey(
        Shop,
        verbose_name=_("shop"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("Set for seller users; empty for the marketplace's operators."),
    )
    # Operators read the admin on their own clock; sellers always see their shop's.
    timezone = models.CharField(
        _("timezone"),
        max_length=64,
        choices=TIMEZONE_CHOICES,
        blank=True,
        help_text=_(
            "For operators: the timezone the admin shows times in. Empty: the marketplace's."
        ),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    @property
    def is_seller(self) -> bool:
        return self.shop_id is not None and self.is_active

    @property
    def is_operator(self) -> bool:
        return self.is_staff and self.is_active


def hash_key(raw_key: str) -> str:
    # Keys are 256 random bits, so a fast unsalted hash is enough: there is nothing to brute-force.
    return hashlib.sha256(raw_key.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """A REST API key. Only its hash is stored; the key itself is shown once, when issued."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=django_timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def generate() -> str:
        return secrets.token_urlsafe(32)

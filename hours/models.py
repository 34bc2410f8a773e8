"""A shop's business hours: weekly opening periods in the shop's timezone, the public holidays
of its country and region (the `holidays` package), and its own closed days. A shop with no
opening period is taken as always open: nothing is forecast for it.

Also the optional out-of-office acknowledgement: wording the shop writes and the operator
approves, emailed to a customer who writes while the shop is closed (never a shop reply)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sellerdesk.tenancy import ShopScopedQuerySet


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ShopCalendarSettings(models.Model):
    shop = models.OneToOneField(
        "shops.Shop", verbose_name=_("shop"), on_delete=models.CASCADE, related_name="calendar"
    )
    country = models.CharField(
        _("country"),
        max_length=2,
        default="ES",
        help_text=_("Whose public holidays close the shop (ISO code, e.g. ES)."),
    )
    subdivision = models.CharField(
        _("region"),
        max_length=10,
        blank=True,
        help_text=_("The region's own holidays too (e.g. MD for Madrid)."),
    )
    out_of_office = models.BooleanField(
        _("out-of-office acknowledgement"),
        default=False,
        help_text=_("Tell customers who write while you are closed when you will answer."),
    )
    out_of_office_es = models.TextField(_("out-of-office text in Spanish"), blank=True)
    out_of_office_en = models.TextField(_("out-of-office text in English"), blank=True)
    out_of_office_approved_at = models.DateTimeField(
        _("out-of-office text approved at"), null=True, blank=True
    )
    out_of_office_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ShopScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("shop calendar")
        verbose_name_plural = _("shop calendars")

    def __str__(self):
        return str(self.shop)

    @property
    def out_of_office_active(self) -> bool:
        return self.out_of_office and self.out_of_office_approved_at is not None

    def out_of_office_text(self, language: str) -> str:
        spanish, english = self.out_of_office_es.strip(), self.out_of_office_en.strip()
        if (language or "es").startswith("en"):
            return english or spanish
        return spanish or english


class OpeningPeriod(models.Model):
    """One period of a weekday when the shop answers (a day may have two: morning, afternoon)."""

    shop = models.ForeignKey(
        "shops.Shop", verbose_name=_("shop"), on_delete=models.CASCADE, related_name="+"
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    objects = ShopScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("opening period")
        verbose_name_plural = _("opening periods")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens__lt=F("closes")), name="opening_period_opens_before_closes"
            )
        ]
        indexes = [models.Index(fields=["shop", "weekday"], name="opening_period_shop_day")]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class ClosedDay(models.Model):
    """A day the shop is closed beyond the public holidays (holidays, inventory…)."""

    shop = models.ForeignKey(
        "shops.Shop", verbose_name=_("shop"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("day"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ShopScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "day"], name="closed_day_unique_per_shop")
        ]

    def __str__(self):
        return f"{self.day:%Y-%m-%d}"

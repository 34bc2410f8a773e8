"""Statistics store nothing: they are computed from orders, messages, incidents and refunds.

`QualityOverview` is a proxy of Shop that only gives the operator's overview its place (and
its permission) in the admin; its changelist is replaced by the overview page.
"""

from django.utils.translation import gettext_lazy as _

from shops.models import Shop


class QualityOverview(Shop):
    class Meta:
        proxy = True
        verbose_name = _("quality overview")
        verbose_name_plural = _("quality overview")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RefundsConfig(AppConfig):
    name = "refunds"
    verbose_name = _("Refunds")

    def ready(self):
        from orders.extensions import register_order_section
        from refunds.sections import REFUNDS_SECTION

        register_order_section(REFUNDS_SECTION)

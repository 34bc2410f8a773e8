from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RefundsConfig(AppConfig):
    name = "refunds"
    verbose_name = _("Refunds")

    def ready(self):
        from notifications.hooks import register_delivered_hook
        from orders.extensions import register_order_section
        from refunds import events
        from refunds.notices import REFUND_EVENTS, record_customer_notified
        from refunds.sections import REFUNDS_SECTION

        register_order_section(REFUNDS_SECTION)
        events.register()
        # "Customer notified" on the order timeline once the customer's email is delivered.
        for event in REFUND_EVENTS:
            register_delivered_hook(event, record_customer_notified)

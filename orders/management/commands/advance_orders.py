from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from orders.services import orders_advance


class Command(BaseCommand):
    help = (
        "Run the order-cycle job once: SHIPPED → RECEIVED after AUTO_RECEIVE_DAYS, "
        "RECEIVED → CLOSED after AUTO_CLOSE_DAYS. Frozen orders are skipped."
    )

    def handle(self, *args, **options):
        result = orders_advance()
        self.stdout.write(_("Received automatically: %(count)d") % {"count": result.received})
        self.stdout.write(_("Closed automatically: %(count)d") % {"count": result.closed})
        self.stdout.write(_("Skipped because frozen: %(count)d") % {"count": result.skipped_frozen})

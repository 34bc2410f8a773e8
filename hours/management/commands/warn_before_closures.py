from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from hours.services import closure_warnings_send


class Command(BaseCommand):
    help = (
        "Run the closure warning once: each shop in its last open hours before closing is "
        "emailed the conversations that fall due while it is closed (once per closure)."
    )

    def handle(self, *args, **options):
        warnings = closure_warnings_send()
        for warning in warnings:
            self.stdout.write(
                f"shop={warning.shop_id} closes={warning.closes_at.isoformat()} "
                f"threads={len(warning.thread_ids)}"
            )
        self.stdout.write(_("Shops warned: %(count)d") % {"count": len(warnings)})

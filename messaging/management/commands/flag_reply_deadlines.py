from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from messaging.services import reply_deadlines_flag

MAX_LISTED = 200


class Command(BaseCommand):
    help = (
        "Run the reply-deadline job once: flag threads that became due soon or overdue since "
        "the last run and email each shop concerned the list. A second run flags nothing again."
    )

    def handle(self, *args, **options):
        result = reply_deadlines_flag()
        self._list(_("Newly overdue: %(count)d"), result.overdue)
        self._list(_("Newly due soon: %(count)d"), result.due_soon)
        self.stdout.write(_("Shops notified: %(count)d") % {"count": len(result.shop_ids)})

    def _list(self, title, flagged):
        self.stdout.write(title % {"count": len(flagged)})
        for item in flagged[:MAX_LISTED]:
            self.stdout.write(f"  #{item.id} shop={item.shop_id} {item.subject}")
        if len(flagged) > MAX_LISTED:
            self.stdout.write(f"  … +{len(flagged) - MAX_LISTED}")

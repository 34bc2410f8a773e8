from django.core.management.base import BaseCommand

from notifications.services import notices_send_due


class Command(BaseCommand):
    help = "Send every notice of the outbox that is due (the beat sweep, once)."

    def handle(self, *args, **options):
        result = notices_send_due()
        self.stdout.write(
            f"claimed {result.claimed}, sent {result.sent}, failed {result.failed} "
            f"(given up {result.given_up})"
        )

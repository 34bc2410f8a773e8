from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from incidents.services import incidents_remind_waiting


class Command(BaseCommand):
    help = (
        "Run the incident reminder job once: email each shop the OPEN incidents that have waited "
        "longer than INCIDENT_REMINDER_HOURS (once per incident per period)."
    )

    def handle(self, *args, **options):
        result = incidents_remind_waiting()
        self.stdout.write(
            _("Incidents reminded: %(count)d (%(shops)d shops)")
            % {"count": result.reminded, "shops": result.shops}
        )

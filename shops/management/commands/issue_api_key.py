from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shops import services
from shops.models import User


class Command(BaseCommand):
    # Scripts capture standard output as the key, so the key is the only thing written there.
    help = "Issue a new API key for a user and print it, and nothing else, on standard output."

    def add_arguments(self, parser):
        parser.add_argument("username", help="The user the key belongs to.")
        parser.add_argument("--name", default="", help="What uses the key, e.g. 'ERP integration'.")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("There is no user %(username)s.") % {"username": username})
        if not user.is_active:
            # A key of an inactive user never authenticates: refuse rather than print a dead key.
            raise CommandError(_("User %(username)s is inactive.") % {"username": username})
        _api_key, raw = services.api_key_issue(user=user, name=name)
        self.stdout.write(raw)

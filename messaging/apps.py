from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Messages")

    def ready(self):
        from messaging import events
        from messaging.notices import DEADLINES_DIGEST, digest_threads
        from messaging.order_section import register
        from notifications.hooks import register_context_builder

        register()
        events.register()
        # The deadline digest keeps thread ids; its email reads the threads when rendered.
        register_context_builder(DEADLINES_DIGEST, digest_threads)

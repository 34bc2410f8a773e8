from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopsConfig(AppConfig):
    name = "shops"
    verbose_name = _("Shops and users")

    def ready(self):
        from shops import schema  # noqa: F401 - registers the API key scheme with drf-spectacular

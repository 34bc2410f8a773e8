from django.apps import AppConfig


class MiraklConfig(AppConfig):
    """The Mirakl-compatible seller API (customer-care subset), mounted at /mirakl/."""

    name = "mirakl"
    verbose_name = "Mirakl-compatible seller API"

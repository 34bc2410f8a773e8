from django.apps import AppConfig


class SellerDeskConfig(AppConfig):
    name = "sellerdesk"
    verbose_name = "SellerDesk"

    def ready(self):
        # Registers the normcontains lookup and SQLite's sd_norm function.
        from sellerdesk import search  # noqa: F401

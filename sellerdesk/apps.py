from django.apps import AppConfig


class SellerDeskConfig(AppConfig):
    name = "sellerdesk"
    verbose_name = "SellerDesk"

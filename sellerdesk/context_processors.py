from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# The seller's menu, after the marketplace's: (url name, label, group). A page whose app is not
# installed yet simply has no entry.
NAVIGATION = [
    ("home", _("To do"), None),
    ("dashboard", _("Statistics"), None),
    ("thread-list", _("Messages"), None),
    ("order-list", _("Orders"), None),
    ("incident-list", _("Incidents"), _("Customer care")),
    ("refund-list", _("Refunds"), _("Customer care")),
]


def _navigation_items(path: str):
    items = []
    for url_name, label, group in NAVIGATION:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append(
            {
                "url": url,
                "label": label,
                "group": group,
                "active": (path.startswith(url) and url != "/") or path == url,
            }
        )
    return items


def navigation(request):
    """What the base layout needs on every page: the shop, the menu and the language switcher."""
    user = getattr(request, "user", None)
    shop = user.shop if user is not None and user.is_authenticated and user.shop_id else None
    return {
        "current_shop": shop,
        "navigation": _navigation_items(request.path) if shop else [],
        "LANGUAGES": settings.LANGUAGES,
    }

from django.utils import timezone

from sellerdesk.timezones import activate_viewer_timezone


class ViewerTimezoneMiddleware:
    """Activates the viewer's timezone for the whole request (after authentication).

    Sellers see and filter by their shop's days, operators by their own (or the marketplace's).
    API requests authenticated by key are activated by the key's authentication, which DRF runs
    later; this middleware still resets the zone when the response is done.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        activate_viewer_timezone(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

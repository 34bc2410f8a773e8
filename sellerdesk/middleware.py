"""Faults under /api/ and /mirakl/ answered in the API's own error shape, never an HTML page.

DRF's exception handler answers what views raise; this catches what escapes it (a fault while
rendering, in a plain Django view under /api/, or with DEBUG on, where Django would answer its
HTML debug page).
"""

from django.http import JsonResponse
from django.utils import timezone

from sellerdesk.api.errors import fault_for
from sellerdesk.timezones import activate_viewer_timezone


def api_error_body(request, status_code: int, code: str, detail: str) -> dict:
    """The error body in the shape of the API the request was for (Mirakl's under /mirakl/)."""
    if request.path.startswith("/mirakl/"):
        from mirakl.errors import error_body

        mirakl_code = {"server_error": "INTERNAL_ERROR"}.get(code, code.upper())
        return error_body(status_code, detail, [{"code": mirakl_code, "message": detail}])
    return {"code": code, "detail": str(detail)}


def is_api_request(request) -> bool:
    return request.path.startswith(("/api/", "/mirakl/"))


class ApiFaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_api_request(request):
            return None
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        if isinstance(exception, Http404 | PermissionDenied):
            return None  # handler404 / handler403 answer these in the shape already
        status_code, code, detail = fault_for(exception)
        response = JsonResponse(
            api_error_body(request, status_code, code, detail), status=status_code
        )
        if status_code == 503:
            response["Retry-After"] = "30"
        return response


class PermissionsPolicyMiddleware:
    """`Permissions-Policy` on every answer (Django sets Referrer-Policy itself, not this one):
    no page of SellerDesk uses the camera, microphone, location or payment APIs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


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

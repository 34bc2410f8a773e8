import sys
import time

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from sellerdesk.api.errors import fault_for
from sellerdesk.middleware import api_error_body, is_api_request


def healthz(request):
    """Liveness: the process answers. Touches no dependency, so a database outage does not make
    the orchestrator restart healthy workers (readiness is /readyz/)."""
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    from django.core.cache import cache

    ping = getattr(cache, "ping", None)
    if ping is not None:
        ping()
    else:
        cache.get("readyz")


def _check_broker() -> None:
    from sellerdesk.celery import app

    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=0, timeout=1)


# Without the database nothing works (503); without the broker or the cache the product
# degrades (the outbox's sweep sends notices later, the throttle fails open), so it stays ready.
READINESS_CHECKS = {
    "database": (_check_database, True),
    "broker": (_check_broker, False),
    "cache": (_check_cache, False),
}


def readyz(request):
    """Readiness: each dependency's state; 503 when the database cannot be reached."""
    report, ready = {}, True
    for name, (check, required) in READINESS_CHECKS.items():
        started = time.monotonic()
        try:
            check()
        except Exception as error:  # any failure of a dependency is what this reports
            report[name] = {"status": "unavailable", "error": type(error).__name__}
            ready = ready and not required
        else:
            report[name] = {"status": "ok"}
        report[name]["ms"] = round((time.monotonic() - started) * 1000, 1)
    degraded = any(item["status"] != "ok" for item in report.values())
    status = "unavailable" if not ready else "degraded" if degraded else "ok"
    return JsonResponse({"status": status, "checks": report}, status=200 if ready else 503)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "detail": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def _error_page(request, status_code: int, template: str, code: str, detail: str):
    """JSON under the APIs; a page in the reader's language elsewhere. The page is rendered
    without the request's context processors: with the database down they would fail too."""
    if is_api_request(request):
        return JsonResponse(api_error_body(request, status_code, code, detail), status=status_code)
    try:
        html = loader.get_template(template).render({"request_path": request.path})
    except Exception:  # the fallback of the fallback: never fail while reporting a failure
        html = f"<h1>{status_code}</h1>"
    return HttpResponse(html, status=status_code)


def bad_request(request, exception=None):
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent

    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return _error_page(
            request,
            413,
            "413.html",
            "request_too_large",
            _("The request is larger than this server accepts."),
        )
    return _error_page(
        request, 400, "400.html", "bad_request", _("The request could not be understood.")
    )


def permission_denied(request, exception=None):
    if is_api_request(request):
        return _error_page(
            request,
            403,
            "403.html",
            "permission_denied",
            _("You do not have permission to perform this action."),
        )
    return render(request, "403.html", status=403)


def server_error(request):
    status_code, code, detail = fault_for(sys.exc_info()[1])
    template = "503.html" if status_code == 503 else "500.html"
    return _error_page(request, status_code, template, code, detail)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the API's error shape under /api/, Django's page elsewhere."""
    if is_api_request(request):
        return _error_page(request, 403, "403.html", "csrf_failed", _("CSRF verification failed."))
    from django.views.csrf import csrf_failure as django_csrf_failure

    return django_csrf_failure(request, reason=reason)


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Any path under /api/ that names nothing, whatever the method."""
    return not_found(request)

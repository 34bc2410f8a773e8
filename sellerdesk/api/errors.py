"""The API's one error shape: {"code": str, "detail": str, "fields": {field: [messages]}}.

Every answer under /api/ has it, faults included: a bug is a 500 `server_error` (logged), an
unreachable database, broker or cache a 503 `service_unavailable`, a body over Django's limits
a 413 `request_too_large`, a value PostgreSQL refuses a 400 `invalid` (`fault_for` decides,
for DRF's handler here, Mirakl's, and the middleware for anything raised outside a view).
"""

import logging

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from sellerdesk.errors import DomainError

log = logging.getLogger("sellerdesk.api")


def _outage_exceptions() -> tuple:
    """The exceptions that mean a dependency is down (not that the request was wrong)."""
    import kombu.exceptions
    import redis.exceptions
    from django.db import InterfaceError, OperationalError

    return (
        OperationalError,
        InterfaceError,
        kombu.exceptions.OperationalError,
        redis.exceptions.ConnectionError,
        redis.exceptions.TimeoutError,
        ConnectionError,
        TimeoutError,
    )


def fault_for(exc) -> tuple[int, str, str]:
    """(status, code, detail) for an exception no view turned into an answer."""
    from django.db import DataError

    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return 413, "request_too_large", _("The request is larger than this server accepts.")
    if isinstance(exc, SuspiciousOperation):
        return 400, "bad_request", _("The request could not be understood.")
    if isinstance(exc, DataError):
        # A value the database cannot hold that validation let through: still the client's.
        log.warning("Value refused by the database: %s", exc)
        return 400, "invalid", _("A value is out of the range this server accepts.")
    if isinstance(exc, _outage_exceptions()):
        log.error("Service unavailable: %s: %s", type(exc).__name__, exc)
        return (
            503,
            "service_unavailable",
            _("The service is temporarily unavailable. Try again in a moment."),
        )
    log.error("Unexpected error", exc_info=exc)
    return 500, "server_error", _("An unexpected error occurred. It has been logged.")


def _flatten(value):
    """DRF error details are nested lists/dicts of ErrorDetail; clients want plain strings."""
    if isinstance(value, dict):
        return {key: _flatten(item) for key, item in value.items()}
    if isinstance(value, list):
        if all(not isinstance(item, dict | list) for item in value):
            return [str(item) for item in value]
        return [_flatten(item) for item in value]
    return [str(value)]


def _first_message(fields) -> str:
    """The first human message in a nested error structure, for the top-level `detail`."""
    if isinstance(fields, dict):
        for key, value in fields.items():
            message = _first_message(value)
            if message:
                return message if key == "non_field_errors" else f"{key}: {message}"
    elif isinstance(fields, list):
        for item in fields:
            message = _first_message(item)
            if message:
                return message
    elif fields:
        return str(fields)
    return ""


def error_response(code: str, detail, status_code: int, fields: dict | None = None) -> Response:
    body = {"code": code, "detail": str(detail)}
    if fields:
        body["fields"] = fields
    return Response(body, status=status_code)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return error_response(exc.code, exc.detail, exc.status_code, _flatten(exc.fields) or None)
    if isinstance(exc, DjangoValidationError):
        fields = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return error_response("invalid", "Invalid input.", status.HTTP_400_BAD_REQUEST, fields)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        status_code, code, detail = fault_for(exc)
        set_rollback()
        response = error_response(code, detail, status_code)
        if status_code == 503:
            response["Retry-After"] = "30"
        return response
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(
            exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        )
        detail = _first_message(fields) or "Invalid input."
        code = getattr(exc, "code_override", None) or "invalid"
        response.data = {"code": code, "detail": detail, "fields": fields}
        return response
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else getattr(exc, "default_code", "error")
        response.data = {"code": code, "detail": str(exc.detail)}
    return response

"""Mirakl's error answer: `{"status": <HTTP status>, "message": <text>, "errors": [...]}`.

Each item of `errors` has a `code` (Mirakl's where the spec names one, e.g. ORDER_NOT_FOUND or
ORDER_INVALID_STATE; otherwise SellerDesk's code in upper case, e.g. REFUND_WINDOW_EXPIRED),
a `message`, and the `field` it concerns when there is one. Nothing is ever an HTML page or a
bare 500 under /mirakl/: an unexpected fault is logged and answered in the same shape.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from sellerdesk.api.errors import fault_for
from sellerdesk.errors import DomainError

log = logging.getLogger(__name__)


class MiraklError(DomainError):
    """A refusal that exists only in the Mirakl mapping (an option SellerDesk cannot honour, a
    Mirakl-specific input rule). `code` is given as Mirakl spells it."""


class MiraklNotFound(MiraklError):
    """Something named in the body or the path that the shop does not have (an order line)."""

    status_code = 404


def _flat(fields, prefix="") -> list[tuple[str, str]]:
    """[(field path, message)] from DRF's nested error details."""
    items = []
    if isinstance(fields, dict):
        for key, value in fields.items():
            name = key if key != "non_field_errors" else ""
            items += _flat(value, f"{prefix}.{name}".strip(".") if name else prefix)
    elif isinstance(fields, list):
        for index, value in enumerate(fields):
            if isinstance(value, dict | list):
                items += _flat(value, f"{prefix}[{index}]")
            else:
                items.append((prefix, str(value)))
    else:
        items.append((prefix, str(fields)))
    return items


def error_body(status_code: int, message: str, errors: list[dict] | None = None) -> dict:
    body = {"status": status_code, "message": str(message)}
    if errors:
        body["errors"] = errors
    return body


def _items(code: str, message: str, fields) -> list[dict]:
    pairs = _flat(fields) if fields else []
    if not pairs:
        return [{"code": code, "message": message}]
    return [
        {"code": code, "message": text, **({"field": field} if field else {})}
        for field, text in pairs
    ]


# SellerDesk's generic input codes are Mirakl's VALIDATION_ERROR.
GENERIC_CODES = {"invalid": "VALIDATION_ERROR", "required": "VALIDATION_ERROR"}


def mirakl_exception_handler(exc, context):
    view = context.get("view")
    renamed = {**GENERIC_CODES, **getattr(view, "mirakl_error_codes", {})}
    headers = {}
    if isinstance(exc, DomainError):
        status_code = exc.status_code
        code = renamed.get(exc.code, exc.code.upper())
        message = str(exc.detail)
        errors = _items(code, message, exc.fields)
    elif isinstance(exc, exceptions.ValidationError):
        status_code = status.HTTP_400_BAD_REQUEST
        detail = exc.detail if isinstance(exc.detail, dict) else {"": exc.detail}
        errors = _items("VALIDATION_ERROR", "", detail)
        first = errors[0]
        message = (
            f"{first['field']}: {first['message']}" if first.get("field") else first["message"]
        )
    elif isinstance(exc, Http404 | exceptions.NotFound):
        status_code = status.HTTP_404_NOT_FOUND
        code = renamed.get("not_found", "NOT_FOUND")
        message = _("Not found.")
        errors = [{"code": code, "message": message}]
    elif isinstance(exc, PermissionDenied):
        status_code = status.HTTP_403_FORBIDDEN
        message = _("You do not have permission to perform this action.")
        errors = [{"code": "FORBIDDEN", "message": message}]
    elif isinstance(exc, exceptions.APIException):
        status_code = exc.status_code
        message = str(exc.detail)
        errors = [{"code": str(exc.default_code).upper(), "message": message}]
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
    else:
        # An outage is a 503, a body over the limits a 413, a bug a 500 (each logged there).
        status_code, code, message = fault_for(exc)
        code = {"server_error": "INTERNAL_ERROR"}.get(code, code.upper())
        errors = [{"code": code, "message": message}]
        if status_code == 503:
            headers["Retry-After"] = "30"
    set_rollback()
    return Response(error_body(status_code, message, errors), status=status_code, headers=headers)


def not_found(request, path=""):
    """Any other path under /mirakl/: a Mirakl 404, never the site's HTML page."""
    message = _("Not found.")
    return JsonResponse(
        error_body(404, message, [{"code": "NOT_FOUND", "message": message}]), status=404
    )

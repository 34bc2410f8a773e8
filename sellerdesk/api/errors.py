"""The API's one error shape: {"code": str, "detail": str, "fields": {field: [messages]}}."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from sellerdesk.errors import DomainError


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
        return None  # a real bug: let Django log it and answer 500
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

"""Request bodies as Mirakl clients send them.

Money arrives as JSON numbers (`"amount": 1.5`): parsed as Decimal, never float. Connectors built
on `requests` often send a JSON body without any Content-Type (a session whose header was
dropped after a file upload): the last parser reads any other body as JSON.
"""

from decimal import Decimal

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

from sellerdesk.validation import json_loads


class MiraklJSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read() if stream is not None else b""
        if not raw.strip():
            return {}
        try:
            return json_loads(raw.decode(encoding), parse_float=Decimal)
        except (ValueError, UnicodeError) as error:
            raise ParseError(f"JSON parse error: {error}") from None


class AnyAsJSONParser(MiraklJSONParser):
    """A body without (or with another) Content-Type: JSON is what every Mirakl call takes."""

    media_type = "*/*"


def json_part(request, name: str) -> dict:
    """A multipart body's JSON part (`message_input`, `thread_input`), sent as a field or as a
    file; a JSON body with that key works too. Raises a ValidationError naming the part."""
    from django.utils.translation import gettext as _
    from rest_framework.exceptions import ValidationError

    value = request.data.get(name) if hasattr(request.data, "get") else None
    if value is None:
        raise ValidationError({name: [_("This part is required.")]})
    if hasattr(value, "read"):
        value = value.read()
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    try:
        if isinstance(value, str):
            value = json_loads(value, parse_float=Decimal)
        if isinstance(value, str):  # JSON text quoted once more, as some clients send it
            value = json_loads(value, parse_float=Decimal)
    except ValueError:
        raise ValidationError({name: [_("This part must be a JSON object.")]}) from None
    if not isinstance(value, dict):
        raise ValidationError({name: [_("This part must be a JSON object.")]})
    return value

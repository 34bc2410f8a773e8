"""The API's JSON parser: a body nested deeper than JSON_MAX_DEPTH is a 400, never a crash."""

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from sellerdesk.validation import json_loads


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
            return json_loads(text, parse_constant=_refuse_constant)
        except (ValueError, UnicodeError) as error:
            raise ParseError(f"JSON parse error - {error}") from None


def _refuse_constant(name):
    # NaN and Infinity are not JSON; DRF's own parser refuses them too.
    raise ValueError(f"{name} is not valid JSON")

"""The published Mirakl spec, vendored under tests/mirakl/spec/ exactly as published:

- `mirakl-seller-care.schema.json`: the interface (what responses are checked against);
- `mirakl-seller-care.openapi.json`: the same with Mirakl's descriptions and examples.

One correction is applied in memory, derived from the published documents themselves, never
typed by hand: the interface file lost OpenAPI 3.0's `nullable` in its conversion to 3.1, so a
property that Mirakl's own description says may be null ("Null when the shop has replied") or
that Mirakl's own response example shows as null accepts null. Every other rule of the file
holds as published.
"""

import json
import re
from functools import cache
from pathlib import Path

from openapi_core import Config, OpenAPI

SPEC_DIR = Path(__file__).parent / "spec"
NULL_WORD = re.compile(r"\bnull\b", re.IGNORECASE)
# OR12 is Mirakl's deprecated single-order form of OR11: the same order documented twice, the
# descriptions and examples of OR11's order describe OR12's fields of the same name.
MIRRORED_SCHEMAS = {"OR12_Response_200": "OR11_Response_200_Orders"}


def _load(name: str) -> dict:
    return json.loads((SPEC_DIR / name).read_text())


def _ref_name(schema: dict) -> str | None:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if ref else None


def _nulls_in_example(schemas, schema, value, found):
    name = _ref_name(schema)
    if name:
        schema = schemas[name]
    if isinstance(value, dict):
        for key, item in value.items():
            prop = schema.get("properties", {}).get(key)
            if prop is None:
                continue
            if item is None and name:
                found.add((name, key))
            elif item is not None:
                _nulls_in_example(schemas, prop, item, found)
    elif isinstance(value, list) and "items" in schema:
        for item in value:
            if item is not None:
                _nulls_in_example(schemas, schema["items"], item, found)


@cache
def documented_nulls() -> frozenset[tuple[str, str]]:
    """(schema, property) pairs Mirakl documents as possibly null."""
    published = _load("mirakl-seller-care.openapi.json")
    schemas = published["components"]["schemas"]
    found: set[tuple[str, str]] = set()
    for name, schema in schemas.items():
        for key, prop in schema.get("properties", {}).items():
            if NULL_WORD.search(prop.get("description") or ""):
                found.add((name, key))
    for operations in published["paths"].values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                for content in response.get("content", {}).values():
                    for example in (content.get("examples") or {}).values():
                        _nulls_in_example(
                            schemas, content.get("schema", {}), example.get("value"), found
                        )
    for mirror, original in MIRRORED_SCHEMAS.items():
        for name, key in list(found):
            if name.startswith(original):
                found.add((mirror + name[len(original) :], key))
    return frozenset(found)


def _allow_null(prop: dict) -> dict:
    if "$ref" in prop:
        return {"anyOf": [{"$ref": prop["$ref"]}, {"type": "null"}]}
    kind = prop.get("type")
    if isinstance(kind, str):
        return {**prop, "type": [kind, "null"]}
    return prop


def interface(server_url: str) -> OpenAPI:
    """The vendored interface, served at `server_url` (the connector's base URL)."""
    spec = _load("mirakl-seller-care.schema.json")
    schemas = spec["components"]["schemas"]
    for name, key in documented_nulls():
        properties = schemas.get(name, {}).get("properties", {})
        if key in properties:
            properties[key] = _allow_null(properties[key])
    spec["servers"] = [{"url": server_url}]
    # The file has no response descriptions (they were stripped with the others), which the
    # OpenAPI meta-schema requires: validate against its content, not its documentation.
    # A download (M13, `type: string, format: binary`) is bytes: read it as a string of bytes
    # (latin-1 maps each byte to one character) for the type check.
    return OpenAPI.from_dict(
        spec,
        config=Config(
            spec_validator_cls=None,
            extra_media_type_deserializers={
                "application/octet-stream": lambda data, **options: (
                    data.decode("latin-1") if isinstance(data, bytes) else data
                )
            },
        ),
    )

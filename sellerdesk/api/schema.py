"""Make the published OpenAPI schema tell the truth about errors.

Every operation can answer in the error shape `{code, detail, fields}`: 400 (invalid input),
401 (no or bad key), 403 (not allowed), 404 (not found or not yours), 409 (state), 413 (body
too large), 429 (throttled), 500 (a fault) and 503 (a dependency down). A postprocessing hook
adds those (and the Error component) to each operation that does not describe them itself.
"""

ERROR_SCHEMA = {
    "type": "object",
    "description": "The API's one error shape.",
    "properties": {
        "code": {"type": "string", "description": "A machine-readable code, e.g. `invalid`."},
        "detail": {"type": "string", "description": "A human message in the request's language."},
        "fields": {
            "type": "object",
            "description": "For validation errors: the messages of each field (nested for "
            "nested input).",
            "additionalProperties": True,
        },
    },
    "required": ["code", "detail"],
}

ERRORS = {
    "400": "Invalid input or a broken business rule.",
    "401": "No API key, or a key that is not valid.",
    "403": "Not allowed (a seller's key on an operator endpoint, for instance).",
    "404": "Not found, or another shop's.",
    "409": "The object is not in a state that allows this, or an Idempotency-Key reused.",
    "413": "The body is larger than the server accepts.",
    "429": "Throttled: too many requests.",
    "500": "A server fault (logged).",
    "503": "A dependency (database, broker) is unreachable; try again.",
}
# A read with only a path id cannot be refused as a conflict or as too large.
NOT_FOR_READS = {"409", "413"}


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status, description in ERRORS.items():
                if method == "get" and status in NOT_FOR_READS:
                    continue
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result


# The fields that other apps add to an order at run time (orders imports no other app, so its
# serializer cannot name their shapes; this hook, which may, declares them).
ORDER_SECTION_FIELDS = {
    "refundable_amount": {
        "type": "string",
        "format": "decimal",
        "description": "What remains refundable (products and shipping).",
    },
    "threads": {
        "type": "array",
        "description": "The order's conversations.",
        "items": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "subject": {"type": "string"},
                "unread": {"type": "boolean"},
                "deadline_status": {"$ref": "#/components/schemas/DeadlineStatusEnum"},
            },
            "required": ["id", "subject", "unread", "deadline_status"],
        },
    },
    "incidents": {
        "type": "array",
        "description": "The order's incidents.",
        "items": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "state": {"$ref": "#/components/schemas/IncidentStateEnum"},
                "reason": {"type": "string"},
                "opened_by": {"$ref": "#/components/schemas/IncidentOpenedByEnum"},
                "opened_at": {"type": "string", "format": "date-time"},
                "waiting_since": {"type": "string", "format": "date-time", "nullable": True},
            },
            "required": ["id", "state", "reason", "opened_by", "opened_at", "waiting_since"],
        },
    },
    "refunds": {
        "type": "array",
        "description": "The order's refunds, newest first.",
        "items": {"$ref": "#/components/schemas/RefundOutput"},
    },
}


def declare_order_section_fields(result, generator, request, public):
    schemas = result.get("components", {}).get("schemas", {})
    order = schemas.get("OrderDetailOutput")
    if order is None:
        return result
    for name, schema in ORDER_SECTION_FIELDS.items():
        refs = [value for value in _refs(schema) if value.split("/")[-1] not in schemas]
        if refs:
            continue  # a component this build of the schema does not have
        order.setdefault("properties", {})[name] = schema
        required = order.setdefault("required", [])
        if name not in required:
            required.append(name)
    return result


def _refs(schema):
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(schema, list):
        for item in schema:
            yield from _refs(item)

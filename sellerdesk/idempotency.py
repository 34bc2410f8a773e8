"""`Idempotency-Key` for the API's creating POSTs (threads, messages, refunds...).

A client that may retry a request (a timeout, a lost answer) sends the same
`Idempotency-Key: <any unique string>` header with each try. Usage on a DRF view:

    class RefundCreateApi(SellerScopedAPI, APIView):
        @idempotent
        def post(self, request, pk): ...

What it guarantees, per shop (every user and API key of one shop share its keys) or per
operator, and key:
- the first request runs normally; its successful (2xx) answer is stored in the same database
  transaction as whatever the view wrote, so either both exist or neither;
- the same key with the same method, path and body replays the stored answer (same status and
  JSON, plus `Idempotent-Replayed: true`) and runs nothing;
- the same key with another body or on another endpoint is refused: 409 `idempotency_key_reused`;
- two identical first requests at the same moment: the second waits on the unique (scope, key)
  row the first inserted and then replays its answer (or runs, if the first failed);
- a refused request (4xx/5xx) stores nothing, so the client may fix it and retry with the key.

Without the header the view runs as usual. Records live in PostgreSQL (not the cache: Redis
down must not make retries create twice) and are purged by the beat job
`sellerdesk.tasks.purge_idempotency_records` once older than IDEMPOTENCY_KEEP_HOURS (at least
24 hours, as Stripe keeps them).

Page forms use the same table through `idempotent_form`: each rendered form carries a one-time
key (`{% load form_once %}{% form_key %}` inside the form); a second submission of it (a double click, a
reload) answers the first one's redirect instead of doing it again.
"""

import functools
import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.response import Response

from sellerdesk.errors import DomainError, InvalidState
from sellerdesk.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def _hash_file(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _canonical(value):
    """A JSON-able, order-independent form of the request data (files by name, size and hash)."""
    if isinstance(value, QueryDict):
        return {key: [_canonical(item) for item in value.getlist(key)] for key in sorted(value)}
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    if hasattr(value, "chunks") and hasattr(value, "size"):
        return {"file": getattr(value, "name", ""), "size": value.size, "sha256": _hash_file(value)}
    return value


def request_body_hash(request) -> str:
    canonical = json.dumps(
        _canonical(request.data), sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


FORM_FIELD = "form_key"


def scope_of(user) -> str:
    """Whose keys: the shop's for a seller (its users and keys share them), else the operator's."""
    return f"shop:{user.shop_id}" if user.shop_id is not None else f"operator:{user.pk}"


def _key_check(key: str) -> str:
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise DomainError(
            _("The Idempotency-Key header must be 1 to %(max)d printable characters.")
            % {"max": MAX_KEY_LENGTH},
            code="idempotency_key_invalid",
        )
    return key


def _replay(record: IdempotencyRecord, target: str, body_hash: str) -> Response:
    if record.request_target != target or record.body_hash != body_hash:
        raise InvalidState(
            _(
                "This Idempotency-Key was already used for a different request. "
                "Use a new key for a new request."
            ),
            code="idempotency_key_reused",
        )
    response = Response(record.response_body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(view_method):
    """Decorate a DRF view's `post(self, request, ...)`; see the module docstring."""

    @functools.wraps(view_method)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None or not request.user.is_authenticated:
            return view_method(view, request, *args, **kwargs)
        key = _key_check(key)
        scope = scope_of(request.user)
        target = f"{request.method} {request.path}"[:500]
        body_hash = request_body_hash(request)
        with transaction.atomic():
            try:
                # Insert first: the unique (user, key) row is the lock. A concurrent request with
                # the same key blocks here until this transaction ends, then replays its answer.
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        scope=scope,
                        user=request.user,
                        key=key,
                        request_target=target,
                        body_hash=body_hash,
                        status_code=0,
                    )
            except IntegrityError:
                existing = IdempotencyRecord.objects.get(scope=scope, key=key)
                return _replay(existing, target, body_hash)
            response = view_method(view, request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                record.status_code = response.status_code
                record.response_body = response.data
                record.save(update_fields=["status_code", "response_body"])
            else:
                # Nothing is remembered for a refused request: the client may retry with the key.
                record.delete()
            return response

    return wrapper


def idempotency_records_purge(*, older_than: timedelta | None = None) -> int:
    """Delete the records older than `older_than` (IDEMPOTENCY_KEEP_HOURS); returns how many."""
    if older_than is None:
        older_than = timedelta(hours=settings.IDEMPOTENCY_KEEP_HOURS)
    deleted, _by_model = IdempotencyRecord.objects.filter(
        created_at__lt=timezone.now() - older_than
    ).delete()
    return deleted


def new_form_key() -> str:
    import uuid

    return uuid.uuid4().hex


def idempotent_form(view_method):
    """Decorate a page view's `post(self, request, ...)` that answers a redirect on success:
    the same form key submitted again redirects where the first submission did, and does
    nothing else. A form without a key (an old tab) is processed as usual."""

    @functools.wraps(view_method)
    def wrapper(view, request, *args, **kwargs):
        key = (request.POST.get(FORM_FIELD) or "").strip() if request.method == "POST" else ""
        if not key or len(key) > MAX_KEY_LENGTH or not request.user.is_authenticated:
            return view_method(view, request, *args, **kwargs)
        scope = f"form:{request.user.pk}"
        target = f"{request.method} {request.path}"[:500]
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        scope=scope,
                        user=request.user,
                        key=key,
                        request_target=target,
                        body_hash="",
                        status_code=0,
                    )
            except IntegrityError:
                existing = IdempotencyRecord.objects.get(scope=scope, key=key)
                location = (existing.response_body or {}).get("location")
                if existing.request_target == target and location:
                    return HttpResponseRedirect(location)
                return view_method(view, request, *args, **kwargs)
            response = view_method(view, request, *args, **kwargs)
            if response.status_code in (301, 302, 303) and response.get("Location"):
                record.status_code = response.status_code
                record.response_body = {"location": response["Location"]}
                record.save(update_fields=["status_code", "response_body"])
            else:
                record.delete()  # the form was refused: it is shown again with a new key
            return response

    return wrapper

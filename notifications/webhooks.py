"""Webhook requests: Standard Webhooks signatures and an HTTP client that refuses to be a proxy
into our own network.

Signature (https://www.standardwebhooks.com/): `webhook-id` (the event id, the same on every
retry), `webhook-timestamp` (Unix seconds of this attempt) and `webhook-signature`
(`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`; two of them, space-separated, for a day after
the secret was rotated). The `standardwebhooks` package computes it.

Guards: https only; the host is resolved once and every address it resolves to must be public
(no loopback, private, link-local, shared, reserved or multicast address), then the request
goes to that very address (so a DNS answer that changes between the check and the request
cannot point it inside); redirects are not followed (a 3xx is a failed delivery); connect and
read time out after WEBHOOK_TIMEOUT_SECONDS; only the first bytes of the answer are read.
Settings WEBHOOK_ALLOW_HTTP and WEBHOOK_ALLOW_PRIVATE_ADDRESSES lift the first two for tests.
"""

import ipaddress
import socket
import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _
from standardwebhooks import Webhook

USER_AGENT = "SellerDesk-Webhooks/1"
RESPONSE_EXCERPT_BYTES = 1024


class WebhookRefused(Exception):
    """The URL may not be called (scheme, address): a delivery error, not worth a retry soon."""


def webhook_signature(*, secrets: list[str], event_id: str, at: datetime, body: str) -> str:
    return " ".join(Webhook(secret).sign(event_id, at, body) for secret in secrets)


def webhook_headers(*, secrets: list[str], event_id: str, at: datetime, body: str) -> dict:
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": event_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": webhook_signature(
            secrets=secrets, event_id=event_id, at=at, body=body
        ),
    }


def _address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def url_problem(url: str) -> str | None:
    """Why this URL cannot be an endpoint, checked without the network (None when it can)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return _("This is not a valid URL.")
    if parts.scheme != "https" and not (parts.scheme == "http" and settings.WEBHOOK_ALLOW_HTTP):
        return _("Webhook URLs must start with https://.")
    if not parts.hostname:
        return _("This is not a valid URL.")
    if parts.username or parts.password:
        return _("Put no user name or password in the URL: deliveries are signed instead.")
    if port == 0:
        return _("This is not a valid URL.")
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return None
    host = parts.hostname
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return _("This address is not reachable from the internet.")
    try:
        if not _address_allowed(host):
            return _("This address is not reachable from the internet.")
    except ValueError:
        pass  # a name, resolved and checked at each delivery
    return None


@dataclass(frozen=True)
class WebhookResponse:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _resolve(host: str, port: int) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise WebhookRefused(f"DNS: {error}") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise WebhookRefused(f"DNS: no address for {host}")
    if not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        refused = [address for address in addresses if not _address_allowed(address)]
        if refused:
            raise WebhookRefused(f"{host} resolves to a non-public address ({refused[0]})")
    return addresses[0]


def webhook_post(*, url: str, body: str, headers: dict) -> WebhookResponse:
    """POST the body once; never raises for a network or HTTP problem (it is in the answer)."""
    started = time.monotonic()

    def answer(status_code=None, error=""):
        elapsed = int((time.monotonic() - started) * 1000)
        return WebhookResponse(status_code=status_code, error=error[:500], duration_ms=elapsed)

    problem = url_problem(url)
    if problem:
        return answer(error=str(problem))
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        address = _resolve(parts.hostname, port)
    except WebhookRefused as refused:
        return answer(error=str(refused))
    timeout = urllib3.Timeout(
        connect=settings.WEBHOOK_TIMEOUT_SECONDS, read=settings.WEBHOOK_TIMEOUT_SECONDS
    )
    options = {"timeout": timeout, "retries": False, "maxsize": 1}
    if parts.scheme == "https":
        # Connect to the checked address, but verify the certificate for the host name.
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            server_hostname=parts.hostname,
            assert_hostname=parts.hostname,
            cert_reqs="CERT_REQUIRED",
            **options,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, **options)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    host_header = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    try:
        response = pool.urlopen(
            "POST",
            target,
            body=body.encode(),
            headers={**headers, "host": host_header},
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            excerpt = response.read(RESPONSE_EXCERPT_BYTES, decode_content=False)
        finally:
            response.release_conn()
    except urllib3.exceptions.HTTPError as error:
        return answer(error=f"{type(error).__name__}: {error}")
    finally:
        pool.close()
    status = response.status
    if 300 <= status < 400:
        # The delivery log keeps technical errors as they come, like the network's own.
        location = response.headers.get("location", "?")
        return answer(status, f"Redirects are not followed (to {location}).")
    if not 200 <= status < 300:
        return answer(status, excerpt.decode("utf-8", "replace").strip() or f"HTTP {status}")
    return answer(status)

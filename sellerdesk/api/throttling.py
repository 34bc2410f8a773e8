"""The API's rate limits in one Redis round trip per request.

DRF's throttles keep a sliding window as a list of timestamps: a GET of the whole list (1,200
floats at the default rate, unpickled) and a SET of it back, two round trips and a growing value
on every request. A fixed window needs one counter per client and window: INCR it and give it an
expiry in the same pipeline (EXPIRE ... NX only sets the expiry when the key has none, i.e. on the
window's first request), so each request costs one round trip of two small commands.

The price of a fixed window: a client can spend its allowance at the end of one window and again
at the start of the next (up to twice the rate over a short span around the boundary); the
allowance per window is exact.

Like the cache (sellerdesk.cache.FailOpenRedisCache), the throttle fails open: with Redis down a
request is allowed and the failure logged. A cache that is not Redis (the file cache of `make run`
without Redis, a test's LocMemCache) counts with add() and incr(): two calls, still correct.
"""

from django.core.cache.backends.redis import RedisCacheClient
from rest_framework import throttling

from sellerdesk import cache as failopen


class FixedWindowMixin:
    """allow_request() on a counter per (scope, client, window) instead of DRF's history list."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        count = self.hit(f"{self.key}:{window}")
        return count <= self.num_requests

    def hit(self, key: str) -> int:
        """Count this request in the window's counter; the count so far, this one included."""
        client = getattr(self.cache, "_cache", None)
        if isinstance(client, RedisCacheClient):
            full_key = self.cache.make_and_validate_key(key)
            try:
                pipe = client.get_client(write=True).pipeline(transaction=False)
                # One second beyond the window: a clock a little behind the server's still
                # finds the counter of the window it is in.
                pipe.incr(full_key)
                pipe.expire(full_key, self.duration + 1, nx=True)
                count, _expiry_set = pipe.execute()
            except failopen._redis_errors() as error:
                failopen._failed("throttle", error)
                return 1
            return int(count)
        self.cache.add(key, 0, self.duration + 1)
        try:
            return self.cache.incr(key)
        except ValueError:  # expired between add() and incr(): a new window
            self.cache.add(key, 1, self.duration + 1)
            return 1

    def wait(self):
        """Seconds until the window ends (Retry-After)."""
        return max(self.window_ends - self.now, 0.0)


class UserRateThrottle(FixedWindowMixin, throttling.UserRateThrottle):
    """Per authenticated user (per client address when anonymous), scope `user`."""


class AnonRateThrottle(FixedWindowMixin, throttling.AnonRateThrottle):
    """Per client address for anonymous requests, scope `anon`."""

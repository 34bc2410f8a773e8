"""Settings of the server `make bench-scale` runs: the product's own, plus the ceiling view.

Production settings (DEBUG off) so the figures are the product's; the throttle is raised so the
load generator measures the work rather than the 429s (the throttle's Redis round trips stay).
"""

from sellerdesk.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"user": "10000000/minute", "anon": "10000000/minute"},
}
# Plain HTTP on the loopback: no redirect to https, cookies sent over http.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

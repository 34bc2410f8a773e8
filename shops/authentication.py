from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from sellerdesk.timezones import activate_viewer_timezone
from shops.models import ApiKey, hash_key


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>`, looked up by its hash; revoked keys and inactive users fail."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from None
        return self.authenticate_credentials(raw)

    def authenticate_credentials(self, raw: str):
        """The (user, key) of an active key given in clear; raises AuthenticationFailed. Shared
        with the Mirakl-compatible API, which takes the same keys in another header form."""
        api_key = (
            ApiKey.objects.active()
            .select_related("user", "user__shop")
            .filter(key_hash=hash_key(raw))
            .first()
        )
        if api_key is None or not api_key.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
        now = timezone.now()
        # Record use at most once a minute so a busy integration does not write on every call.
        if api_key.last_used_at is None or now - api_key.last_used_at > timedelta(minutes=1):
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        # The key's owner is known only now (DRF authenticates inside the view): their days
        # (filters, periods) are counted on their clock from here on, as the middleware does
        # for session users.
        activate_viewer_timezone(api_key.user)
        return api_key.user, api_key

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) when credentials are missing.
        return self.keyword

"""Mirakl's authentication: the shop's key in `Authorization: <key>`, without a scheme word.

The keys are the same hashed, revocable keys as /api/v1/ (`shops.ApiKey`); `Token <key>` is
accepted too, so one key and one habit work on both APIs.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header

from shops.authentication import ApiKeyAuthentication


class MiraklKeyAuthentication(ApiKeyAuthentication):
    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words:
            return None
        if len(words) == 2 and words[0].lower() == self.keyword.lower().encode():
            raw = words[1]
        elif len(words) == 1:
            raw = words[0]
        else:
            raise exceptions.AuthenticationFailed(_("Invalid Authorization header."))
        try:
            return self.authenticate_credentials(raw.decode())
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid Authorization header.")) from None

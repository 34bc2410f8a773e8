"""Writes for shops, users and API keys."""

from django.db import transaction
from django.utils import timezone

from shops.models import ApiKey, Shop, User, hash_key


@transaction.atomic
def shop_create(*, code: str, name: str, username: str, password: str, email: str = "") -> Shop:
    """Create a shop and its first seller user; idempotent on the shop code.

    Running it again with the same code keeps the shop (updating its name and email) and makes
    sure the user exists and belongs to it.
    """
    defaults = {"name": name, **({"email": email} if email else {})}
    shop, _ = Shop.objects.update_or_create(code=code, defaults=defaults)
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, email=email, shop=shop)
        user.set_password(password)
        user.save()
    elif user.shop_id != shop.id:
        user.shop = shop
        user.save(update_fields=["shop"])
    return shop


def shop_settings_update(*, shop: Shop, language: str, email: str) -> Shop:
    """The seller's settings: the language of the shop's notices and its contact email."""
    Shop.objects.filter(pk=shop.pk).update(language=language, email=email)
    shop.language, shop.email = language, email
    return shop


@transaction.atomic
def operator_create(*, username: str, password: str, email: str = "") -> User:
    """Create (or update the password of) a staff user who works in the admin and operator API."""
    user = User.objects.filter(username=username).first() or User(username=username)
    user.email = email or user.email
    user.is_staff = True
    user.is_superuser = True  # operators run the whole back office in the admin
    user.shop = None
    user.set_password(password)
    user.save()
    return user


def api_key_issue(*, user: User, name: str = "") -> tuple[ApiKey, str]:
    """Issue a key for a user; returns the row and the raw key, which is never stored."""
    raw = ApiKey.generate()
    api_key = ApiKey.objects.create(
        user=user, name=name, prefix=raw[: ApiKey.PREFIX_LENGTH], key_hash=hash_key(raw)
    )
    return api_key, raw


def api_key_revoke(*, api_key: ApiKey) -> None:
    # Conditional update: revoking twice keeps the first revocation time.
    ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())

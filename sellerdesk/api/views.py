"""Small bases shared by the apps' API views."""

from django.core.exceptions import ObjectDoesNotExist
from rest_framework.exceptions import NotFound


def get_or_404(queryset, **lookup):
    """One object of an already-scoped queryset; anything else (another shop's) is a 404."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise NotFound() from None

"""Small bases shared by the apps' API views."""

from django.core.exceptions import ObjectDoesNotExist
from rest_framework.exceptions import NotFound


class FiltersOnlyWhenAsked:
    """For the lean lists: without any of the filter set's parameters in the query, the filter
    set would only be built to change nothing (its filters deep-copied, a form validated: a
    tenth of an unfiltered inbox request)."""

    def filter_queryset(self, queryset):
        names = self.filterset_class.base_filters
        if not any(name in names for name in self.request.query_params):
            return queryset
        return super().filter_queryset(queryset)


def get_or_404(queryset, **lookup):
    """One object of an already-scoped queryset; anything else (another shop's) is a 404."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise NotFound() from None

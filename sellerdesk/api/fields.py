from rest_framework import serializers


class LowerChoiceField(serializers.ChoiceField):
    """Enumerations are lower-case strings in the API ("shipped"), upper-case in the database."""

    def __init__(self, choices, **kwargs):
        self.db_choices = choices
        super().__init__(choices=[(value.lower(), label) for value, label in choices], **kwargs)

    def to_representation(self, value):
        return value.lower() if value else value

    def to_internal_value(self, data):
        return super().to_internal_value(data.lower() if isinstance(data, str) else data).upper()


def money_field(**kwargs):
    """Money in and out as a string with 2 decimals ("19.90"); more decimals are refused."""
    return serializers.DecimalField(max_digits=12, decimal_places=2, **kwargs)

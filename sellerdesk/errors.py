"""Domain errors: a broken business rule, with a machine-readable code.

Services raise these; the API turns them into `{"code", "detail", "fields"}` with the status
they carry, and pages show `detail` next to the form. Nothing is written when one is raised
inside a service's transaction, because the exception rolls it back.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status_code = 400
    code = "invalid"
    default_detail = _("The request breaks a rule.")

    def __init__(self, detail=None, *, code: str | None = None, fields: dict | None = None):
        self.detail = detail if detail is not None else self.default_detail
        if code:
            self.code = code
        self.fields = fields or {}
        super().__init__(str(self.detail))


class InvalidState(DomainError):
    """The object is not in a state that allows the action (HTTP 409)."""

    status_code = 409
    code = "invalid_transition"
    default_detail = _("This action is not allowed in the current state.")


class NotFound(DomainError):
    status_code = 404
    code = "not_found"
    default_detail = _("Not found.")

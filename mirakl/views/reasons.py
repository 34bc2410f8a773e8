"""RE01, RE02, RE11, RE12, RE14: the operator's reason list in Mirakl's reason types.

SellerDesk has four kinds; Mirakl names more types. Each Mirakl type maps to one kind (the
message reasons serve both order threads and threads with the operator), or to none: then the
list is empty, because SellerDesk has no such reasons (cancelation reasons, offers, services).
Labels are in the language of `locale` (or the request's).
"""

from django.utils.translation import gettext as _
from rest_framework.response import Response

from messaging.models import ReasonKind
from messaging.selectors import reasons_for
from mirakl.errors import MiraklError
from mirakl.views.base import MiraklView

# Mirakl reason type → (SellerDesk kind, whether the shop uses it itself).
REASON_TYPES: dict[str, tuple[str, bool]] = {
    "INCIDENT_OPEN": (ReasonKind.INCIDENT_OPEN, False),  # opened by the customer or the operator
    "INCIDENT_CLOSE": (ReasonKind.INCIDENT_CLOSE, True),
    "MMP_SELLER_MESSAGING": (ReasonKind.MESSAGE, True),
    "ORDER_MESSAGING": (ReasonKind.MESSAGE, True),
    "REFUND": (ReasonKind.REFUND, True),
}
# Types RE02 accepts that SellerDesk has no reasons for (an empty list), and the deprecated name.
EMPTY_TYPES = (
    "CANCELATION",
    "MPS_REFUND",
    "MPS_ORDER_MESSAGING",
    "MPS_OFFER_MESSAGING",
    "OFFER_MESSAGING",
)
DEPRECATED_TYPES = {"MESSAGING": "ORDER_MESSAGING"}


def _reasons(reason_type: str) -> list:
    kind, _shop_right = REASON_TYPES[reason_type]
    return list(reasons_for(kind=kind))


class ReasonListView(MiraklView):
    """RE01: every reason, sorted by type then by the operator's position."""

    def get(self, request):
        rows = [
            {
                "code": reason.code,
                "label": reason.label,
                "type": reason_type,
                "is_shop_right": shop_right,
            }
            for reason_type, (_kind, shop_right) in sorted(REASON_TYPES.items())
            for reason in _reasons(reason_type)
        ]
        return Response({"reasons": rows, "total_count": len(rows)})


def _typed_list(reason_type: str) -> Response:
    rows = [{"code": reason.code, "label": reason.label} for reason in _reasons(reason_type)]
    return Response({"reasons": rows, "total_count": len(rows)})


class ReasonTypeListView(MiraklView):
    """RE02: the reasons of one type (upper case, as Mirakl names them)."""

    def get(self, request, reason_type):
        reason_type = DEPRECATED_TYPES.get(reason_type.upper(), reason_type.upper())
        if reason_type in EMPTY_TYPES:
            return Response({"reasons": [], "total_count": 0})
        if reason_type not in REASON_TYPES:
            known = sorted([*REASON_TYPES, *EMPTY_TYPES])
            raise MiraklError(
                _("Unknown reason type. Use one of: %(types)s.") % {"types": ", ".join(known)},
                code="VALIDATION_ERROR",
                fields={"reason_type": [_("Unknown reason type.")]},
            )
        return _typed_list(reason_type)


class IncidentOpenReasonListView(MiraklView):
    """RE11 (deprecated by Mirakl, still called): why incidents are opened."""

    def get(self, request):
        return _typed_list("INCIDENT_OPEN")


class IncidentCloseReasonListView(MiraklView):
    """RE12: how the shop resolved an incident (the `reason_code` of OR64)."""

    def get(self, request):
        return _typed_list("INCIDENT_CLOSE")


class MessagingReasonListView(MiraklView):
    """RE14: the topics of threads (the `REASON_CODE` topics of M14 and OR43)."""

    def get(self, request):
        return _typed_list("ORDER_MESSAGING")

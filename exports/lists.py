"""What each export holds: one row per conversation, incident or refund, with the list's own
filters already applied by the caller (page or API). Each is one query, read in chunks."""

from datetime import timedelta

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exports.writers import Column
from incidents.models import IncidentOpenedBy, IncidentState
from messaging.models import INCOMING_SIDES, DeadlineStatus, Message, Side, reason_label_field
from refunds.models import RefundState


def _label(choices):
    labels = dict(choices)
    return lambda value: str(labels.get(value, value or ""))


def _first_incoming():
    return Subquery(
        Message.objects.filter(thread=OuterRef("pk"), author__in=INCOMING_SIDES)
        .order_by("created_at", "id")
        .values("created_at")[:1]
    )


def _first_reply_after(field_name: str):
    return Subquery(
        Message.objects.filter(
            thread=OuterRef("pk"), author=Side.SHOP, created_at__gte=OuterRef(field_name)
        )
        .order_by("created_at", "id")
        .values("created_at")[:1]
    )


def thread_rows(queryset):
    """Threads as dicts: the list's annotations (deadline status) plus first incoming message
    and the shop's first reply after it (the reply delay)."""
    return (
        queryset.annotate(first_incoming_at=_first_incoming())
        .annotate(first_reply_at=_first_reply_after("first_incoming_at"))
        .annotate(reason_label=F(f"reason__{reason_label_field()}"))
        .order_by("-last_message_at", "-id")
        .values(
            "id",
            "subject",
            "order__reference",
            "order__customer_name",
            "reason_label",
            "with_customer",
            "with_operator",
            "created_at",
            "last_message_at",
            "last_message_author",
            "reply_needed_since",
            "reply_due_at",
            "deadline_status",
            "first_incoming_at",
            "first_reply_at",
        )
    )


def _reply_delay(row, now):
    """The first wait: from the first customer/operator message to the shop's first reply (or
    until now when it is still unanswered)."""
    if row["first_incoming_at"] is None:
        return None
    end = row["first_reply_at"] or now
    return max(end - row["first_incoming_at"], timedelta(0))


def thread_columns() -> list[Column]:
    now = timezone.now()
    sides = _label(Side.choices)
    statuses = _label(DeadlineStatus.choices)
    return [
        Column(_("Conversation"), lambda row: row["id"]),
        Column(_("Subject"), lambda row: row["subject"]),
        Column(_("Customer"), lambda row: row["order__customer_name"]),
        Column(_("Order"), lambda row: row["order__reference"]),
        Column(_("Reason"), lambda row: row["reason_label"]),
        Column(
            _("With"),
            lambda row: " + ".join(
                str(label)
                for label, present in (
                    (_("Customer"), row["with_customer"]),
                    (_("Operator"), row["with_operator"]),
                )
                if present
            ),
        ),
        Column(_("First message"), lambda row: row["created_at"]),
        Column(_("Last message"), lambda row: row["last_message_at"]),
        Column(_("Last message from"), lambda row: sides(row["last_message_author"])),
        Column(_("Awaiting reply since"), lambda row: row["reply_needed_since"]),
        Column(_("Reply due"), lambda row: row["reply_due_at"]),
        Column(_("Reply delay (hours)"), lambda row: _reply_delay(row, now)),
        Column(_("Deadline status"), lambda row: statuses(row["deadline_status"])),
    ]


def incident_rows(queryset):
    return queryset.order_by("-opened_at", "-id").values(
        "id",
        "order__reference",
        "order__customer_name",
        "opened_by",
        "reason_label",
        "description",
        "state",
        "opened_at",
        "waiting_since",
        "resolved_at",
        "closed_at",
    )


def incident_columns() -> list[Column]:
    now = timezone.now()
    return [
        Column(_("Incident"), lambda row: row["id"]),
        Column(_("Order"), lambda row: row["order__reference"]),
        Column(_("Customer"), lambda row: row["order__customer_name"]),
        Column(_("Opened by"), lambda row: _label(IncidentOpenedBy.choices)(row["opened_by"])),
        Column(_("Reason"), lambda row: row["reason_label"]),
        Column(_("Description"), lambda row: row["description"]),
        Column(_("State"), lambda row: _label(IncidentState.choices)(row["state"])),
        Column(_("Opened at"), lambda row: row["opened_at"]),
        Column(
            _("Waiting for the shop (hours)"),
            lambda row: now - row["waiting_since"] if row["waiting_since"] else None,
        ),
        Column(_("Resolved at"), lambda row: row["resolved_at"]),
        Column(_("Closed at"), lambda row: row["closed_at"]),
    ]


def refund_rows(queryset):
    return queryset.order_by("-created_at", "-id").values(
        "id",
        "order__reference",
        "order__customer_name",
        "state",
        "reason_label",
        "total_amount",
        "shipping_amount",
        "currency",
        "created_at",
        "decided_at",
    )


def refund_columns() -> list[Column]:
    return [
        Column(_("Refund"), lambda row: row["id"]),
        Column(_("Order"), lambda row: row["order__reference"]),
        Column(_("Customer"), lambda row: row["order__customer_name"]),
        Column(_("State"), lambda row: _label(RefundState.choices)(row["state"])),
        Column(_("Reason"), lambda row: row["reason_label"]),
        Column(_("Total"), lambda row: row["total_amount"]),
        Column(_("Shipping"), lambda row: row["shipping_amount"]),
        Column(_("Currency"), lambda row: row["currency"]),
        Column(_("Created at"), lambda row: row["created_at"]),
        Column(_("Decided at"), lambda row: row["decided_at"]),
    ]


def quality_columns() -> list[Column]:
    """The operator's export: every shop's figures of the overview, raw (hours, shares)."""
    from stats.presentation import overview_columns

    def raw(column):
        def value(stats):
            number = column.value(stats)
            # Amounts by currency have no single number: the column shows each, formatted.
            return column.display(number) if isinstance(number, dict) else number

        return value

    return [
        Column(_("Shop code"), lambda stats: stats.shop.code),
        Column(_("Shop"), lambda stats: stats.shop.name),
        *[Column(column.label, raw(column)) for column in overview_columns()],
    ]

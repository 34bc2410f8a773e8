"""Message threads between a shop, its customers and the marketplace's operator.

A thread keeps, next to its messages, the few stored times every list needs (last message,
last incoming message, when the shop last read it, since when a reply is awaited and when it
is due), so the inbox, the order page and the deadline job filter and sort in SQL without
looking at the messages. The services keep those times right, under the thread's row lock.
"""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sellerdesk.tenancy import ShopScopedQuerySet


class ReasonKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    INCIDENT_OPEN = "incident_open", _("Incident opening")
    INCIDENT_CLOSE = "incident_close", _("Incident closing")
    REFUND = "refund", _("Refund")


class ReasonQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def of_kind(self, kind: str):
        return self.filter(kind=kind).order_by("position", "code")


class Reason(models.Model):
    """A reason code of the list the operator manages (messages, incidents, refunds)."""

    kind = models.CharField(_("kind"), max_length=20, choices=ReasonKind.choices)
    code = models.SlugField(_("code"), max_length=50)
    label_es = models.CharField(_("Spanish label"), max_length=200)
    label_en = models.CharField(_("English label"), max_length=200)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive reasons are no longer offered.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    objects = ReasonQuerySet.as_manager()

    class Meta:
        verbose_name = _("reason")
        verbose_name_plural = _("reasons")
        ordering = ["kind", "position", "code"]
        constraints = [
            # "other" exists in every kind: a code is unique within its kind.
            models.UniqueConstraint(fields=["kind", "code"], name="reason_code_unique_per_kind")
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The label in the active language (Spanish unless the request is in English)."""
        return getattr(self, reason_label_field())


def reason_label_field() -> str:
    """The Reason column holding labels in the active language: `label_es` when the language
    is Spanish (or none is active), `label_en` otherwise."""
    return "label_es" if (get_language() or "es").startswith("es") else "label_en"


class Side(models.TextChoices):
    """Who wrote a message: the shop, the customer or the marketplace's operator."""

    SHOP = "SHOP", _("Shop")
    CUSTOMER = "CUSTOMER", _("Customer")
    OPERATOR = "OPERATOR", _("Operator")


INCOMING_SIDES = (Side.CUSTOMER, Side.OPERATOR)


class DeadlineStatus(models.TextChoices):
    """The reply deadline of a thread, computed from its stored times and the current time."""

    NONE = "none", _("Nothing awaited")
    OK = "ok", _("Awaiting reply")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


class DeadlineFlag(models.TextChoices):
    """What the deadline job last flagged (and notified), so a second run flags nothing again."""

    NONE = "NONE", _("Not flagged")
    DUE_SOON = "DUE_SOON", _("Flagged due soon")
    OVERDUE = "OVERDUE", _("Flagged overdue")


# The API's spellings, for the OpenAPI enums.
DEADLINE_STATUSES_API = DeadlineStatus.values
SIDES_API = [side.lower() for side in Side.values]
PARTICIPANTS_API = ["customer", "operator"]


def unread_q() -> Q:
    """Threads with a customer or operator message that arrived after the shop last opened them."""
    return Q(last_incoming_at__isnull=False) & (
        Q(shop_last_read_at__isnull=True) | Q(last_incoming_at__gt=models.F("shop_last_read_at"))
    )


def is_unread(last_incoming_at, shop_last_read_at) -> bool:
    """unread_q() on the two columns of a row already read."""
    return last_incoming_at is not None and (
        shop_last_read_at is None or last_incoming_at > shop_last_read_at
    )


class ThreadQuerySet(ShopScopedQuerySet):
    pass


class Thread(models.Model):
    shop = models.ForeignKey(
        "shops.Shop", verbose_name=_("shop"), on_delete=models.PROTECT, related_name="threads"
    )
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="threads",
    )
    reason = models.ForeignKey(
        Reason, verbose_name=_("reason"), on_delete=models.PROTECT, related_name="threads"
    )
    subject = models.CharField(_("subject"), max_length=200)
    # A subject SellerDesk wrote (the seller gave none) as data: the reason's labels in every
    # language and the order number, so each reader sees it in their language (`title`).
    # `subject` keeps the text in the marketplace's language, for search and old clients.
    subject_params = models.JSONField(_("subject parameters"), default=dict, blank=True)
    with_customer = models.BooleanField(_("with the customer"), default=False)
    with_operator = models.BooleanField(_("with the operator"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message"), default=timezone.now)
    last_message_author = models.CharField(
        _("last message from"), max_length=10, choices=Side.choices, default=Side.SHOP
    )
    # When the last customer/operator message *arrived* (an imported message arrives now even
    # if it was written earlier): what "unread" compares with shop_last_read_at.
    last_incoming_at = models.DateTimeField(_("last incoming message"), null=True, blank=True)
    shop_last_read_at = models.DateTimeField(_("read by the shop"), null=True, blank=True)
    # The 48-hour rule: since the earliest unanswered customer/operator message.
    reply_needed_since = models.DateTimeField(_("reply needed since"), null=True, blank=True)
    reply_due_at = models.DateTimeField(_("reply due at"), null=True, blank=True)
    deadline_flag = models.CharField(
        _("deadline flag"), max_length=10, choices=DeadlineFlag.choices, default=DeadlineFlag.NONE
    )
    no_reply_needed_reason = models.CharField(
        _("no reply needed because"), max_length=500, blank=True
    )
    no_reply_needed_at = models.DateTimeField(_("marked no reply needed at"), null=True, blank=True)
    no_reply_needed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked no reply needed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ThreadQuerySet.as_manager()

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        ordering = ["-last_message_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(with_customer=True) | Q(with_operator=True),
                name="thread_has_a_participant",
            ),
            models.CheckConstraint(
                # Only an order has a customer to write to.
                condition=Q(with_customer=False) | Q(order__isnull=False),
                name="thread_customer_needs_an_order",
            ),
            models.CheckConstraint(
                condition=Q(reply_needed_since__isnull=True, reply_due_at__isnull=True)
                | Q(reply_needed_since__isnull=False, reply_due_at__isnull=False),
                name="thread_reply_due_with_since",
            ),
        ]
        indexes = [
            # The inbox: newest activity first, keyset pagination on (last_message_at, id).
            models.Index(fields=["shop", "-last_message_at", "-id"], name="thread_shop_last_msg"),
            models.Index(
                fields=["shop", "-last_message_at", "-id"],
                condition=unread_q(),
                name="thread_shop_unread",
            ),
            # The deadline ranges (overdue, due soon, on time, due while closed) pick a page of
            # ids from this index alone (last_message_at and id included: index-only, then only
            # the page's rows are joined); see LeanThreadList.
            models.Index(
                fields=["shop", "reply_due_at"],
                include=["last_message_at", "id"],
                condition=Q(reply_needed_since__isnull=False),
                name="thread_shop_reply_due_incl",
            ),
            # The deadline filters in the inbox's order: the awaited few percent, newest first,
            # so a page stops after 50 rows instead of sorting every awaited thread of the shop.
            models.Index(
                fields=["shop", "-last_message_at", "-id"],
                condition=Q(reply_needed_since__isnull=False),
                name="thread_shop_awaiting_last",
            ),
            # Each filter's index ends with the list's whole order, tiebreak id included: the page
            # is then the index's first 51 entries (an index without the id made PostgreSQL sort
            # every thread of the filter, joined, for the tiebreak: 2.7 ms instead of 0.3 ms).
            models.Index(
                fields=["shop", "reason", "-last_message_at", "-id"],
                name="thread_shop_reason_last_id",
            ),
            models.Index(
                fields=["shop", "with_customer", "-last_message_at", "-id"],
                name="thread_shop_customer_last_id",
            ),
            models.Index(
                fields=["shop", "with_operator", "-last_message_at", "-id"],
                name="thread_shop_operator_last_id",
            ),
            models.Index(fields=["shop", "subject"], name="thread_shop_subject"),
            models.Index(fields=["order", "-last_message_at", "-id"], name="thread_order_last_id"),
            # The deadline job: only threads awaiting a reply, so the index stays small however
            # many threads the marketplace has. The flag the job writes is in no index (key or
            # predicate): flagging is then a HOT update that rewrites no index entry (the table
            # keeps free space for it, see migration 0005), where it used to add an entry to
            # every index of the table for every thread flagged.
            models.Index(
                fields=["reply_due_at"],
                condition=Q(reply_needed_since__isnull=False),
                name="thread_awaiting_due",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        """The subject in the reader's language: an automatic subject is rendered now."""
        from messaging.events import automatic_subject

        return automatic_subject(self.subject_params) or self.subject

    @property
    def participants(self) -> list[str]:
        return [
            side
            for side, present in (
                ("customer", self.with_customer),
                ("operator", self.with_operator),
            )
            if present
        ]


class MessageQuerySet(ShopScopedQuerySet):
    pass


class Message(models.Model):
    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="messages"
    )
    # Denormalized from the thread so every read can be scoped to a shop directly.
    shop = models.ForeignKey(
        "shops.Shop", verbose_name=_("shop"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.CharField(_("from"), max_length=10, choices=Side.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Recipients of a shop message; a customer or operator message goes to the shop.
    to_customer = models.BooleanField(_("to the customer"), default=False)
    to_operator = models.BooleanField(_("to the operator"), default=False)
    body = models.TextField(_("message"))
    # When it was written (an import gives the original time) and when it reached us.
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["thread", "created_at"], name="message_thread_created"),
            models.Index(fields=["shop", "author", "created_at"], name="message_shop_author"),
        ]

    def __str__(self):
        return f"{self.get_author_display()} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def recipients(self) -> list[str]:
        if self.author != Side.SHOP:
            return ["shop"]
        return [
            side
            for side, present in (("customer", self.to_customer), ("operator", self.to_operator))
            if present
        ]


class AttachmentQuerySet(ShopScopedQuerySet):
    pass


class Attachment(models.Model):
    """A file of a message, kept in the private "attachments" storage (never a public URL)."""

    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments"
    )
    shop = models.ForeignKey(
        "shops.Shop", verbose_name=_("shop"), on_delete=models.PROTECT, related_name="+"
    )
    # The name inside the storage: generated, never derived from what the sender called it.
    stored_name = models.CharField(_("stored as"), max_length=255, unique=True)
    original_filename = models.CharField(_("original file name"), max_length=255)
    filename = models.CharField(_("file name"), max_length=150)
    size = models.PositiveBigIntegerField(_("size"))
    # Decided from the content, not from what the client said.
    content_type = models.CharField(_("content type"), max_length=120)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self):
        return self.filename

    def open(self):
        return storages["attachments"].open(self.stored_name, "rb")


class ReplyWaitQuerySet(ShopScopedQuerySet):
    """The waits as the deadline judges them, for the statistics and the lists their tiles open
    alike: one definition, so a tile and its list cannot disagree."""

    def answered(self):
        """Ended by the shop's reply (what the reply delays measure)."""
        return self.filter(replied_at__isnull=False)

    def unanswered_late(self, now):
        """Still open at `now` and past their due time (late, and counted so before a reply)."""
        return self.filter(ended_at__isnull=True, due_at__lte=now)

    def judged(self, now):
        """What the "answered within the deadline" share judges at `now`: the answered waits and
        the unanswered ones already late. A wait ended by "no reply needed", or still open
        within its time, is not judged (yet)."""
        return self.filter(Q(replied_at__isnull=False) | Q(ended_at__isnull=True, due_at__lte=now))


class ReplyWait(models.Model):
    """One wait for the shop's reply, exactly as the 48-hour rule (and the deadline) sees it.

    Written by the messaging services under the thread's lock whenever they set or clear
    `Thread.reply_needed_since`: a wait starts when a thread starts needing a reply (at the
    earliest unanswered customer/operator message) and ends at the shop's reply (`replied_at`)
    or at "no reply needed" (`ended_at` without `replied_at`); a later incoming message starts a
    new wait. The statistics read these rows, so they cannot disagree with the deadline.
    """

    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="reply_waits"
    )
    shop = models.ForeignKey(
        "shops.Shop", verbose_name=_("shop"), on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("waiting since"))
    # The thread's reply_due_at for this wait: "answered within the deadline" means by then.
    due_at = models.DateTimeField(_("reply due at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    objects = ReplyWaitQuerySet.as_manager()

    class Meta:
        verbose_name = _("reply wait")
        verbose_name_plural = _("reply waits")
        ordering = ["started_at", "id"]
        constraints = [
            # The thread's lock serialises its writers; this makes a second open wait impossible.
            models.UniqueConstraint(
                fields=["thread"],
                condition=Q(ended_at__isnull=True),
                name="reply_wait_one_open_per_thread",
            ),
            models.CheckConstraint(
                condition=Q(replied_at__isnull=True) | Q(ended_at__isnull=False),
                name="reply_wait_replied_means_ended",
            ),
        ]
        indexes = [
            # The statistics' median: an index-only range of the shop's waits of two periods (the
            # reply time is a key column, not INCLUDE, so SQLite takes the same index).
            models.Index(
                fields=["shop", "started_at", "replied_at"],
                condition=Q(replied_at__isnull=False),
                name="reply_wait_shop_answered",
            ),
            # Waits still open (as many as threads awaiting a reply): the late ones are a range.
            models.Index(
                fields=["shop", "due_at", "started_at"],
                condition=Q(ended_at__isnull=True),
                name="reply_wait_shop_open",
            ),
        ]

    def __str__(self):
        return f"{self.thread_id} · {self.started_at:%Y-%m-%d %H:%M}"

"""Fixtures for messaging: reasons, threads in known states, files to attach."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from messaging import services
from messaging.attachments import minimal_pdf
from messaging.reasons import reasons_seed_defaults


@pytest.fixture(autouse=True)
def reasons(db):
    """The default reasons (a transactional test elsewhere may have flushed the seeded rows)."""
    reasons_seed_defaults()


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def customer_thread(order, *, hours_ago: float = 0, body="¿Cuándo llega mi pedido?", **kwargs):
    """A thread the customer opened `hours_ago` hours ago (the shop has not answered)."""
    return services.thread_import(
        order=order,
        author="customer",
        reason_code=kwargs.pop("reason_code", "order_question"),
        subject=kwargs.pop("subject", "Pregunta"),
        body=body,
        sent_at=timezone.now() - timedelta(hours=hours_ago),
        acting_user=None,
        **kwargs,
    )


def shop_thread(order, seller, *, to="customer", **kwargs):
    return services.thread_start(
        shop=order.shop,
        order=order,
        reason_code=kwargs.pop("reason_code", "invoice_request"),
        subject=kwargs.pop("subject", "Factura"),
        body=kwargs.pop("body", "Adjuntamos la factura."),
        to_customer=to == "customer",
        to_operator=to == "operator",
        acting_user=seller,
        **kwargs,
    )


def pdf_file(name="factura.pdf"):
    return SimpleUploadedFile(name, minimal_pdf("Factura"), content_type="application/pdf")


def office_zip(entries: dict, name: str):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry, content in entries.items():
            archive.writestr(entry, content)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


@pytest.fixture
def attachments_dir(tmp_path):
    """Where the test's attachments land (tests/conftest.py points the storage here)."""
    return tmp_path / "attachments"


def stored_files(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []

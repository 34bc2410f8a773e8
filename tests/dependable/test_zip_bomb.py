"""An office file is a zip archive: deciding its kind must not inflate it (a zip bomb)."""

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from messaging import attachments

MB = 1024 * 1024


def zip_bomb(name="informe.odt", inflated_mb=300):
    """An .odt whose `mimetype` entry inflates to `inflated_mb` MiB (about 300 KB on disk)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("mimetype", "w", force_zip64=True) as entry:
            chunk = b"\0" * MB
            for _ in range(inflated_mb):
                entry.write(chunk)
        archive.writestr("content.xml", "<x/>")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb():
    return zip_bomb()


def post_bomb(api, order, content):
    return api.post(
        f"/api/v1/orders/{order.pk}/threads/",
        {
            "recipient": "customer",
            "reason": "invoice_request",
            "body": "Adjunto el informe.",
            "attachments": [SimpleUploadedFile("informe.odt", content)],
        },
        format="multipart",
    )


def _peak_added_memory(call):
    tracemalloc.start()
    try:
        before, _peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        result = call()
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak - before


def test_a_zip_bomb_is_refused_without_inflating_it(api, order, bomb):
    assert len(bomb) < 1 * MB

    response, added = _peak_added_memory(lambda: post_bomb(api, order, bomb))

    assert response.status_code == 400
    assert response.json()["code"] == "attachment_type_not_allowed"
    assert added < 50 * MB, f"the request added {added / MB:.0f} MB"


def test_even_a_bomb_that_passes_the_ratio_check_is_read_only_by_a_prefix(
    api, order, bomb, monkeypatch
):
    # Without the declared-size checks, the kind is still decided on a small prefix only.
    monkeypatch.setattr(attachments, "ZIP_MAX_RATIO", 10**9)
    monkeypatch.setattr(attachments, "ZIP_MAX_DECLARED_BYTES", 10**12)

    response, added = _peak_added_memory(lambda: post_bomb(api, order, bomb))

    assert response.status_code == 400
    assert response.json()["code"] == "attachment_type_not_allowed"
    assert added < 50 * MB, f"the request added {added / MB:.0f} MB"


def test_an_archive_with_absurdly_many_entries_is_refused(api, order, monkeypatch):
    monkeypatch.setattr(attachments, "ZIP_MAX_ENTRIES", 50)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        for index in range(60):
            archive.writestr(f"part{index}.xml", "<x/>")

    response = post_bomb(api, order, buffer.getvalue())

    assert response.json()["code"] == "attachment_type_not_allowed"


def test_a_real_odt_is_still_accepted(api, order):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>" * 200)

    response = post_bomb(api, order, buffer.getvalue())

    assert response.status_code == 201, response.json()

"""Attachment rules: which files a message may carry, decided by their content.

`attachments_check(files)` reads every file before anything is written and answers the
checked files (safe name, size, the content type the content proves) or raises:
- `attachment_type_not_allowed`: the content is not one of the allowed types (pdf, png,
  jpg/jpeg, gif, txt, csv, doc/docx, xls/xlsx, odt, ods), or the name's extension says another
  type than the content (a renamed executable, an HTML page called .txt);
- `attachment_too_large`: a file over ATTACHMENT_MAX_BYTES or a message over
  ATTACHMENT_MAX_MESSAGE_BYTES; `too_many_attachments` over ATTACHMENT_MAX_FILES.
"""

import contextlib
import io
import os
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from urllib.parse import quote

import filetype
from django.conf import settings
from django.core.files.storage import storages
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from sellerdesk.errors import DomainError

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97 / Excel 97 compound files
# What each allowed kind of content is, and the extensions that may name it.
KINDS = {
    "pdf": ("application/pdf", {"pdf"}),
    "png": ("image/png", {"png"}),
    "jpg": ("image/jpeg", {"jpg", "jpeg"}),
    "gif": ("image/gif", {"gif"}),
    "doc": ("application/msword", {"doc"}),
    "xls": ("application/vnd.ms-excel", {"xls"}),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        {"docx"},
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {"xlsx"}),
    "odt": ("application/vnd.oasis.opendocument.text", {"odt"}),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", {"ods"}),
    "txt": ("text/plain; charset=utf-8", {"txt"}),
    "csv": ("text/csv; charset=utf-8", {"csv"}),
}
ALLOWED_EXTENSIONS = sorted({ext for _mime, exts in KINDS.values() for ext in exts})
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for ext in ALLOWED_EXTENSIONS)
# Text that a browser could run or render as a page is not a plain text file.
MARKUP_MARKERS = re.compile(
    rb"<\s*(html|script|!doctype|body|iframe|svg|object|embed)\b|<\?xml", re.I
)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass
class CheckedFile:
    upload: object  # the uploaded file, rewound
    original_filename: str
    filename: str
    size: int
    content_type: str


def _not_allowed(name: str, why: str) -> DomainError:
    allowed = ", ".join(ALLOWED_EXTENSIONS)
    return DomainError(
        _("%(name)s cannot be attached: %(why)s Allowed: %(allowed)s.")
        % {"name": name, "why": why, "allowed": allowed},
        code="attachment_type_not_allowed",
        fields={"attachments": [_("%(name)s: %(why)s") % {"name": name, "why": why}]},
    )


def _too_large(message: str) -> DomainError:
    return DomainError(message, code="attachment_too_large", fields={"attachments": [message]})


def safe_filename(name: str) -> str:
    """The file's own name without any path, control or shell-special characters, ≤150 chars."""
    name = unicodedata.normalize("NFC", os.path.basename((name or "").replace("\\", "/")))
    name = CONTROL_CHARACTERS.sub("", name)
    name = re.sub(r'[<>:"/\\|?*\x00;]', "_", name).strip(" .")
    stem, ext = os.path.splitext(name)
    stem = stem[: 150 - len(ext)] or "file"
    return f"{stem}{ext.lower()}"


def ascii_filename(name: str) -> str:
    """The closest plain-ASCII name, for clients that ignore RFC 5987."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9._ -]", "_", ascii_name).strip(" .")
    return ascii_name or "file"


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII name and, for non-ASCII names, the RFC 5987 UTF-8 one."""
    fallback = ascii_filename(name)
    header = f'attachment; filename="{fallback}"'
    if fallback != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header


# An office file is a zip archive. Deciding its kind must never inflate it: a 600 KB zip bomb
# declares gigabytes. So: a bounded entry count, sane declared sizes, and at most a small prefix
# of one entry (`mimetype`) read through a streaming decompressor.
ZIP_MAX_ENTRIES = 10_000
ZIP_MAX_DECLARED_BYTES = 1024 * 1024 * 1024  # the sum of the entries' declared sizes
ZIP_MAX_RATIO = 1000  # declared size over compressed size, per entry
MIMETYPE_PREFIX_BYTES = 100


def _zip_is_sane(archive: zipfile.ZipFile) -> bool:
    entries = archive.infolist()
    if len(entries) > ZIP_MAX_ENTRIES:
        return False
    declared = 0
    for entry in entries:
        declared += entry.file_size
        if declared > ZIP_MAX_DECLARED_BYTES:
            return False
        if entry.file_size > ZIP_MAX_RATIO * max(entry.compress_size, 1) + 1024:
            return False
    return True


def _entry_prefix(archive: zipfile.ZipFile, name: str, size: int) -> bytes:
    """The first `size` bytes of an entry: ZipExtFile.read(n) inflates only about n bytes."""
    with archive.open(name) as entry:
        return entry.read(size)


def _zip_kind(upload) -> str | None:
    """docx/xlsx by their main part, odt/ods by their `mimetype` entry; anything else is None."""
    try:
        with zipfile.ZipFile(upload) as archive:
            # The central directory alone (a few bytes per entry) says the count and sizes.
            if not _zip_is_sane(archive):
                return None
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = _entry_prefix(archive, "mimetype", MIMETYPE_PREFIX_BYTES).strip()
                for kind in ("odt", "ods"):
                    if mimetype == KINDS[kind][0].encode():
                        return kind
                return None
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return "docx"
                if "xl/workbook.xml" in names:
                    return "xlsx"
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        KeyError,
        RuntimeError,
        ValueError,
        EOFError,
        NotImplementedError,
    ):
        return None
    return None


def _is_plain_text(content: bytes) -> bool:
    if b"\x00" in content or MARKUP_MARKERS.search(content):
        return False
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not CONTROL_CHARACTERS.search(text)
    return False


def _detect_kind(upload, extension: str) -> str | None:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(upload)
        upload.seek(0)
        return kind
    if head.startswith(OLE_SIGNATURE):
        # Word and Excel 97 share one container; its extension says which, its stream names
        # confirm it when filetype can tell.
        guessed = filetype.guess_extension(head)
        if guessed in ("doc", "xls"):
            return guessed
        return extension if extension in ("doc", "xls") else None
    guessed = filetype.guess_extension(head)
    if guessed is not None:
        return (
            {"jpeg": "jpg"}.get(guessed, guessed)
            if guessed in {"pdf", "png", "jpg", "gif"}
            else None
        )
    if extension in ("txt", "csv"):
        content = upload.read()
        upload.seek(0)
        return extension if _is_plain_text(content) else None
    return None


def _check_one(upload) -> CheckedFile:
    original = (getattr(upload, "name", "") or "file")[:255]
    filename = safe_filename(original)
    extension = os.path.splitext(filename)[1].lstrip(".").lower()
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise _too_large(
            _("%(name)s is %(size)s: a file may be at most %(max)s.")
            % {
                "name": filename,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
            }
        )
    if extension not in ALLOWED_EXTENSIONS:
        raise _not_allowed(filename, _("this kind of file is not accepted."))
    kind = _detect_kind(upload, extension)
    if kind is None:
        raise _not_allowed(filename, _("its content is not an allowed type of file."))
    if extension not in KINDS[kind][1]:
        raise _not_allowed(
            filename,
            _("its content is a %(kind)s file, not .%(extension)s.")
            % {"kind": kind.upper(), "extension": extension},
        )
    return CheckedFile(
        upload=upload,
        original_filename=original,
        filename=filename,
        size=upload.size,
        content_type=KINDS[kind][0],
    )


def attachments_check(files) -> list[CheckedFile]:
    """Check every file (before anything is stored); raises on the first one refused."""
    files = [upload for upload in files or [] if upload]
    if len(files) > settings.ATTACHMENT_MAX_FILES:
        raise DomainError(
            _("A message may carry at most %(max)d files.")
            % {"max": settings.ATTACHMENT_MAX_FILES},
            code="too_many_attachments",
            fields={"attachments": [_("Too many files.")]},
        )
    checked = [_check_one(upload) for upload in files]
    total = sum(item.size for item in checked)
    if total > settings.ATTACHMENT_MAX_MESSAGE_BYTES:
        raise _too_large(
            _("These files add up to %(size)s: a message may carry at most %(max)s.")
            % {
                "size": filesizeformat(total),
                "max": filesizeformat(settings.ATTACHMENT_MAX_MESSAGE_BYTES),
            }
        )
    return checked


def attachment_store(*, shop_id: int, checked: CheckedFile) -> str:
    """Write the file under a generated name and answer that name."""
    now = timezone.now()
    name = f"shop-{shop_id}/{now:%Y/%m}/{uuid.uuid4().hex}"
    checked.upload.seek(0)
    return storages["attachments"].save(name, checked.upload)


def attachments_delete(names: list[str]) -> None:
    storage = storages["attachments"]
    for name in names:
        # Best effort: the row that pointed to the file is gone either way.
        with contextlib.suppress(OSError):
            storage.delete(name)


def minimal_pdf(text: str = "SellerDesk") -> bytes:
    """A small valid one-page PDF (demo data and tests)."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()

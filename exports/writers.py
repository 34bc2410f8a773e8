"""CSV and XLSX files of any list, in constant memory.

Rows come from a queryset's `.iterator()` (a server-side cursor on PostgreSQL: rows are fetched
in chunks, never all at once). CSV is streamed to the client as it is written; XLSX is written
row by row by openpyxl's write-only mode (it keeps rows in a temporary file, not in memory)
into a temporary file that is then streamed. Headers and values are rendered in the reader's
language and the shop's timezone, fixed when the export starts.
"""

import csv
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone, translation
from openpyxl import Workbook

FORMATS = ("csv", "xlsx")
CHUNK_SIZE = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    label: str
    value: Callable[[dict], object]


class _Echo:
    """csv.writer writes into this and gets the line back, to yield it."""

    def write(self, value):
        return value


def _cell(value, tz, *, for_xlsx: bool):
    if isinstance(value, datetime):
        local = timezone.localtime(value, tz)
        # Spreadsheets have no time zones: the shop's local time, without offset.
        return local.replace(tzinfo=None) if for_xlsx else local.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, timedelta):
        return round(value.total_seconds() / 3600, 2)
    if isinstance(value, Decimal):
        return value if for_xlsx else f"{value:.2f}"
    if value is None:
        return None if for_xlsx else ""
    return value if isinstance(value, int | float) else str(value)


def _rows(columns, rows: Iterable[dict], tz, language, *, for_xlsx: bool):
    with translation.override(language):
        yield [str(column.label) for column in columns]
        for row in rows:
            yield [_cell(column.value(row), tz, for_xlsx=for_xlsx) for column in columns]


def export_response(
    *, file_format: str, filename: str, columns: list[Column], rows: Iterable[dict], tz
):
    """The file as a download: CSV streamed, XLSX written to a temporary file first."""
    language = translation.get_language()
    if file_format == "csv":
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
            for values in _rows(columns, rows, tz, language, for_xlsx=False):
                yield writer.writerow(values)

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    elif file_format == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        for values in _rows(columns, rows, tz, language, for_xlsx=True):
            sheet.append(values)
        # Closed by FileResponse once sent (and deleted by the system as it has no name).
        handle = tempfile.TemporaryFile()  # noqa: SIM115
        workbook.save(handle)
        handle.seek(0)
        response = FileResponse(handle, content_type=XLSX_TYPE)
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    response["Cache-Control"] = "private, no-store"
    return response


def iterate(queryset) -> Iterable[dict]:
    return queryset.iterator(chunk_size=CHUNK_SIZE)

"""CSV downloads a spreadsheet opens safely.

A cell that starts like a formula (``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is
written with a leading apostrophe, so Excel, LibreOffice and Google Sheets show it as text
instead of running it (OWASP's advice against CSV injection). Numbers stay numbers.
"""

import csv

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """`value` as a CSV cell: text that a spreadsheet would read as a formula is kept as text."""
    if value is None:
        return ""
    if hasattr(value, "isoformat") and hasattr(value, "tzinfo"):  # a datetime, in the viewer's time zone
        return timezone.localtime(value).isoformat(timespec="minutes") if value.tzinfo else value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def file_name(*parts):
    """A download's name from its parts, e.g. ``us-adults-quotas.csv``."""
    return "-".join(slugify(str(part)) or "export" for part in parts) + ".csv"


def csv_response(name, header, rows):
    """A CSV attachment called `name`: `header`, then each row of `rows` (streamed)."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # a byte-order mark: spreadsheets then read the file as UTF-8
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([neutralise(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

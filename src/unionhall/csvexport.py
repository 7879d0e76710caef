"""CSV downloads of members' data (the register, a postal list, the
scrutineer's extract): streamed, and safe to open in a spreadsheet."""

import csv
from collections.abc import Iterable, Sequence

from django.http import StreamingHttpResponse


def spreadsheet_safe(value):
    """A cell a spreadsheet will not run as a formula (OWASP's CSV injection advice):
    text starting with = + - @ or a control character gets a leading apostrophe."""
    if isinstance(value, str) and value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def csv_download(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    """Stream ``header`` then ``rows`` (read lazily, so a large export is never
    held in memory) as an attachment, every cell made spreadsheet-safe."""
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([spreadsheet_safe(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

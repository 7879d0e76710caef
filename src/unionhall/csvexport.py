"""CSV downloads of members' data (the register, a postal list, the
scrutineer's extract): streamed, and safe to open in a spreadsheet."""

import csv
import re
import unicodedata
from collections.abc import Iterable, Sequence

from django.http import StreamingHttpResponse


# A formula starts a cell, or starts a piece of one that a spreadsheet splits
# off on its own list separator (";" in much of Europe, tab, "|"). Full-width
# and other compatibility forms ("\uff1d") are folded first (NFKC), as some
# spreadsheets fold them when they read.
_LIVE = re.compile(r"(?:\A|[,;\t|\r\n])\s*[=+\-@]")


def spreadsheet_safe(value):
    """A cell a spreadsheet will not run as a formula (OWASP's CSV injection advice):
    text with a formula character at its start, or after any list separator, gets
    a leading apostrophe; every cell is also quoted on writing (``csv_download``),
    so a spreadsheet splitting on another separator still reads one cell."""
    if isinstance(value, str) and value and _LIVE.search(unicodedata.normalize("NFKC", value)):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def csv_download(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    """Stream ``header`` then ``rows`` (read lazily, so a large export is never
    held in memory) as an attachment, every cell made spreadsheet-safe."""
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL)

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([spreadsheet_safe(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

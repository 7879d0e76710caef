"""Documents in a case: checked to be the PDF or image they claim to be,
sealed, and kept on disk outside any public address (CASEWORK_DIR, by default
VAR_DIR/casework), served only through the case's access rules."""

import io
import warnings
from pathlib import Path

from django.conf import settings
from PIL import Image

from unionhall.casework import sealing
from unionhall.refusals import Refused

MAX_BYTES = 10 * 1024 * 1024
# Pillow refuses images larger than this many pixels (a "decompression bomb":
# a small file that opens to gigabytes).
MAX_PIXELS = 60_000_000
KINDS = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
PIL_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def casework_dir() -> Path:
    path = Path(getattr(settings, "CASEWORK_DIR", None) or Path(settings.VAR_DIR) / "casework")
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def sniff(data: bytes) -> str:
    """The content type the bytes really are (PDF, JPEG, PNG or WebP), or
    Refused(422) saying what is accepted. A PDF must start with its header
    and end with its end-of-file marker; an image must open and verify."""
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-1024:]:
            raise Refused("That PDF is incomplete or damaged (it has no end-of-file marker). Save it again and retry.", status=422)
        return "application/pdf"
    if data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n" or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(data)) as image:
                    if image.width * image.height > MAX_PIXELS:
                        raise Refused("That image is too large in pixels; send a smaller photo.", status=422)
                    fmt = image.format
                    image.verify()
        except Refused:
            raise
        except Exception:  # Pillow raises many kinds for a damaged file
            raise Refused("That image is damaged or not what its name says. Send a PDF, JPEG, PNG or WebP.", status=422) from None
        if fmt in PIL_FORMATS:
            return PIL_FORMATS[fmt]
    raise Refused("Only PDFs and photos (JPEG, PNG or WebP) can be added to a case.", status=422)


def check_upload(upload) -> tuple[bytes, str]:
    """Read an upload within the size limit and return its bytes and real type."""
    if upload.size > MAX_BYTES:
        raise Refused(f"The file is {upload.size / 1024 / 1024:.1f} MB; the most is {MAX_BYTES // 1024 // 1024} MB.", status=413)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise Refused(f"The file is larger than {MAX_BYTES // 1024 // 1024} MB.", status=413)
    if not data:
        raise Refused("The file is empty.", status=422)
    return data, sniff(data)


def path_of(document) -> Path:
    return casework_dir() / f"{document.ref}.sealed"


def store(document, data: bytes) -> None:
    path = path_of(document)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(sealing.seal(data, aad=document.aad("file")))
    tmp.chmod(0o600)
    tmp.replace(path)


def read(document) -> bytes:
    return sealing.unseal(path_of(document).read_bytes(), aad=document.aad("file"))


def remove(document) -> None:
    path_of(document).unlink(missing_ok=True)

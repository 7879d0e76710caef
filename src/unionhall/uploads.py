"""Checking an uploaded PDF before anything keeps it: a leaf module that
bulletins' attachments and bargaining's meeting papers share (casework and
campaigns check photos too, and keep their own, richer checks)."""


def pdf_problem(upload, *, max_bytes: int, verb: str = "kept") -> str | None:
    """What is wrong with ``upload`` as a PDF, in words for the person who
    chose it, or None when it is a PDF (starts ``%PDF-``, named .pdf) of at
    most ``max_bytes``. Reads five bytes and rewinds."""
    if upload is None or not upload.size:
        return "Choose a PDF file."
    if upload.size > max_bytes:
        return f"The file is {upload.size / 1024 / 1024:.1f} MB; the most is {max_bytes // 1024 // 1024} MB."
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-" or not upload.name.lower().endswith(".pdf"):
        return f"Only PDF files can be {verb} (the file must be a PDF, named .pdf)."
    return None

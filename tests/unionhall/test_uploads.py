"""unionhall.uploads: one PDF check for bulletins' attachments and bargaining's papers."""

from django.core.files.uploadedfile import SimpleUploadedFile

from unionhall.uploads import pdf_problem

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_small_pdf_named_pdf_passes_and_is_rewound():
    upload = SimpleUploadedFile("minutes.pdf", PDF)
    assert pdf_problem(upload, max_bytes=1024) is None
    assert upload.read(5) == b"%PDF-"


def test_each_problem_is_said_plainly():
    assert pdf_problem(None, max_bytes=1024) == "Choose a PDF file."
    assert pdf_problem(SimpleUploadedFile("empty.pdf", b""), max_bytes=1024) == "Choose a PDF file."
    assert pdf_problem(SimpleUploadedFile("big.pdf", PDF + b"x" * 3 * 1024 * 1024), max_bytes=2 * 1024 * 1024).startswith("The file is 3.0 MB; the most is 2 MB")
    assert "named .pdf" in pdf_problem(SimpleUploadedFile("minutes.docx", PDF), max_bytes=1024)
    assert pdf_problem(SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf"), max_bytes=1024, verb="attached").startswith("Only PDF files can be attached")

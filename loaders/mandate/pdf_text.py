"""The text layer of a PDF (the one module that imports pypdf: pure Python, small, and
nothing on the machine reads PDF text otherwise; no poppler-utils)."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PyPdfError


def pdf_pages(path: Path) -> list[str]:
    """The text of each page; raises ValueError when the file is not a readable PDF."""
    try:
        reader = PdfReader(str(path))
        return [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, OSError, KeyError, TypeError) as error:
        raise ValueError(str(error)) from error

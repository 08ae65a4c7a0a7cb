"""Reading the PDFs the app makes, in tests: their text (pdftotext), pages and structure
(pikepdf)."""

import io
import shutil
import subprocess

import pikepdf
import pytest


def open_pdf(pdf: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(pdf))


def page_count(pdf: bytes) -> int:
    with open_pdf(pdf) as document:
        return len(document.pages)


def pdf_text(pdf: bytes, page: int | None = None, *, layout: bool = True) -> str:
    """The text of the PDF (or of one page) with white space collapsed. In layout mode a
    table row stays one line; without it, the text comes in the order it was written.
    `make test` installs poppler-utils first, so a missing pdftotext is a broken setup: it
    fails the test rather than letting it pass unread."""
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: install poppler-utils (bin/install-system-packages)")
    pages = ["-f", str(page), "-l", str(page)] if page else []
    mode = ["-layout"] if layout else []
    result = subprocess.run(
        ["pdftotext", *mode, *pages, "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def structure_elements(pdf: bytes) -> list[tuple[str, dict]]:
    """Every element of the tagged PDF's structure tree in document order, as (type,
    attributes such as Alt); empty when the PDF is not tagged."""
    found = []
    with open_pdf(pdf) as document:
        root = document.Root.get("/StructTreeRoot")
        if root is None:
            return []
        todo = [root.get("/K")]
        while todo:
            node = todo.pop(0)
            if node is None:
                continue
            if isinstance(node, pikepdf.Array):
                todo[0:0] = list(node)
            elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
                attributes = {
                    key: str(node[key]) for key in ("/Alt", "/Lang", "/ActualText") if key in node
                }
                found.append((str(node["/S"]).lstrip("/"), attributes))
                todo[0:0] = [node.get("/K")]
    return found

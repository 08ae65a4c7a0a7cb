"""HTML to PDF with WeasyPrint, for every PDF Buurtkompas makes.

Relative URLs in a template resolve against the static files directory, found through
the static finders, so stylesheets and the logo are read from disk; fonts come from the
system. The URL fetcher accepts local files and data: URLs only: a PDF never makes a
network request, whatever ends up in the HTML.
"""

from dataclasses import dataclass
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured

LOCAL_PROTOCOLS = ("file", "data")
# Tagged for screen readers (headings, tables, reading order, text alternatives), with
# the PDF/UA identification and the document's language and title in its metadata.
ACCESSIBLE_VARIANT = "pdf/ua-1"


def _weasyprint():
    """WeasyPrint, imported on first use: it loads Pango, and the rest of the app (and its
    tests) must keep working on a machine without those libraries.

    Importing it switches on Pillow's LOAD_TRUNCATED_IMAGES for the whole process, which
    would let a damaged or disguised photo through the attachment check
    (apps/dossiers/uploads.py). Our PDFs embed no raster images from users, so Pillow's
    strict default is put back."""
    import weasyprint
    import weasyprint.urls
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return weasyprint


def local_url_fetcher():
    """A WeasyPrint URL fetcher that refuses http, https, ftp and every other remote URL."""
    return _weasyprint().urls.URLFetcher(allowed_protocols=LOCAL_PROTOCOLS)


def static_base_url(stylesheet: str) -> str:
    """file:// URL of the static files directory that holds `stylesheet`."""
    found = finders.find(stylesheet)
    if not found:
        raise ImproperlyConfigured(f"Static file {stylesheet} not found.")
    root = Path(found).resolve().parents[len(Path(stylesheet).parts) - 1]
    return root.as_uri() + "/"


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    page_count: int


def html_to_pdf(html: str, *, stylesheet: str, url_fetcher=None) -> RenderedPdf:
    """The HTML as an accessible PDF. `stylesheet` is the static path the HTML links to;
    `url_fetcher` is for tests, the default is `local_url_fetcher()`."""
    document = (
        _weasyprint()
        .HTML(
            string=html,
            base_url=static_base_url(stylesheet),
            url_fetcher=url_fetcher or local_url_fetcher(),
        )
        .render()
    )
    return RenderedPdf(
        data=document.write_pdf(pdf_variant=ACCESSIBLE_VARIANT), page_count=len(document.pages)
    )

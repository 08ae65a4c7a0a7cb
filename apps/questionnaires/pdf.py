"""The result of a self-scan as a PDF, to print or to take to a talk with a social worker.

WeasyPrint renders templates/questionnaires/pdf/result.html with the print stylesheet
static/css/print-result.css. Relative URLs in the template resolve against the static
files directory, found through the static finders, so the stylesheet and the logo are read
from disk; fonts come from the system. The URL fetcher accepts local files and data: URLs
only: a PDF never makes a network request, whatever ends up in the HTML.
"""

from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import timezone

from apps.questionnaires.results import ScanResultView
from apps.questionnaires.spiderweb import spider_web_layout

TEMPLATE = "questionnaires/pdf/result.html"
STYLESHEET = "css/print-result.css"
LOCAL_PROTOCOLS = ("file", "data")
# Millimetres per unit of the spider web: its 20-unit labels print at about 10 pt whatever
# the language. A fixed width would shrink the whole chart when the labels are long.
CHART_MM_PER_UNIT = 0.175
# The width of the text on an A4 page with the stylesheet's margins.
CHART_MAX_WIDTH_MM = 174


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


def static_base_url() -> str:
    """file:// URL of the static files directory that holds the print stylesheet."""
    found = finders.find(STYLESHEET)
    if not found:
        raise ImproperlyConfigured(f"Static file {STYLESHEET} not found.")
    root = Path(found).resolve().parents[len(Path(STYLESHEET).parts) - 1]
    return root.as_uri() + "/"


def result_pdf(*, result: ScanResultView, url_fetcher=None) -> bytes:
    """The result as an A4 PDF in the active language. `url_fetcher` is for tests; the
    default is `local_url_fetcher()`."""
    HTML = _weasyprint().HTML
    chart = result.chart()
    width = min(spider_web_layout(chart).width * CHART_MM_PER_UNIT, CHART_MAX_WIDTH_MM)
    context = {
        "result": result,
        "chart": chart,
        # A CSS length, formatted here: the template would write "108,5" in Dutch.
        "chart_width": f"{width:.1f}mm",
        "made_at": timezone.now(),
    }
    html = render_to_string(TEMPLATE, context)
    document = HTML(
        string=html,
        base_url=static_base_url(),
        url_fetcher=url_fetcher or local_url_fetcher(),
    )
    # Tagged: screen readers get headings, the table and the reading order.
    return document.write_pdf(pdf_tags=True)

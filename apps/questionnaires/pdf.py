"""The result of a self-scan as a PDF, to print or to take to a talk with a social worker.

WeasyPrint renders templates/questionnaires/pdf/result.html with the print stylesheet
static/css/print-result.css, through apps.core.pdf (local files only, tagged).
"""

from django.template.loader import render_to_string
from django.utils import timezone

from apps.core.pdf import html_to_pdf
from apps.questionnaires.results import ScanResultView
from apps.questionnaires.spiderweb import spider_web_layout

TEMPLATE = "questionnaires/pdf/result.html"
STYLESHEET = "css/print-result.css"
# Millimetres per unit of the spider web: its 20-unit labels print at about 10 pt whatever
# the language. A fixed width would shrink the whole chart when the labels are long.
CHART_MM_PER_UNIT = 0.175
# The width of the text on an A4 page with the stylesheet's margins.
CHART_MAX_WIDTH_MM = 174


def result_pdf(*, result: ScanResultView, url_fetcher=None) -> bytes:
    """The result as an A4 PDF in the active language. `url_fetcher` is for tests; the
    default is `apps.core.pdf.local_url_fetcher()`."""
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
    return html_to_pdf(html, stylesheet=STYLESHEET, url_fetcher=url_fetcher).data

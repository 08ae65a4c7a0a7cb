"""The certificate of a finished path, as an A4 PDF in the learner's language."""

from django.template.loader import render_to_string

from apps.core.pdf import html_to_pdf
from apps.learning.models import Enrolment
from apps.learning.selectors import PathOutline

TEMPLATE = "learning/pdf/certificate.html"
# The residents' print stylesheet, shared with the self-scan result and My data.
STYLESHEET = "css/print-result.css"


def certificate_pdf(*, enrolment: Enrolment, outline: PathOutline) -> bytes:
    context = {
        "enrolment": enrolment,
        "version": enrolment.version,
        "learner_name": enrolment.learner.get_full_name() or enrolment.learner.email,
        "modules": [module for module, _views in outline.modules],
        "minutes": enrolment.version.duration_minutes,
    }
    return html_to_pdf(render_to_string(TEMPLATE, context), stylesheet=STYLESHEET).data

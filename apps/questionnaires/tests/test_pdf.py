import re
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

from apps.core.pdf import local_url_fetcher
from apps.core.tests.pdfs import page_count, pdf_text
from apps.questionnaires.models import InstrumentVersion
from apps.questionnaires.pdf import result_pdf
from apps.questionnaires.results import DimensionRow, ScanResultView, result_view_from_scores
from apps.questionnaires.scoring import DimensionResult, ScoreResult
from apps.questionnaires.services.instruments import instruments_load
from apps.questionnaires.tests.factories import (
    DimensionFactory,
    InstrumentFactory,
    InstrumentVersionFactory,
    ItemFactory,
)

# Codes and Dutch names of positive-health.toml.
POSITIVE_HEALTH = {
    "body": "Lichaamsfuncties",
    "mental": "Mentaal welbevinden",
    "meaning": "Zingeving",
    "quality-of-life": "Kwaliteit van leven",
    "participation": "Meedoen",
    "daily-life": "Dagelijks functioneren",
}


def recording_fetcher():
    """A fetcher that records every URL WeasyPrint asks for and refuses anything remote.

    Built on first use: importing WeasyPrint while the tests are collected would change
    Pillow's settings for every other test (see apps/core/pdf.py)."""
    from apps.core.pdf import _weasyprint

    class RecordingFetcher(_weasyprint().urls.URLFetcher):
        def __init__(self):
            super().__init__()
            self.urls = []

        def fetch(self, url, headers=None):
            self.urls.append(url)
            if url.startswith(("http:", "https:")):
                raise AssertionError(f"network access attempted: {url}")
            return super().fetch(url, headers)

    return RecordingFetcher()


# --- Data -------------------------------------------------------------------------------


@pytest.fixture
def positive_health(db):
    instruments_load()
    return InstrumentVersion.objects.current().for_code("positive-health").with_structure().get()


def health_scores(**changes) -> ScoreResult:
    """Scores per code of positive-health.toml; every dimension has 7 questions."""
    dimensions = {
        "body": DimensionResult(Decimal("7.50"), 7),
        "mental": DimensionResult(Decimal("6.14"), 7),
        "meaning": DimensionResult(Decimal("8.00"), 7),
        "quality-of-life": DimensionResult(Decimal("5.29"), 7),
        "participation": DimensionResult(Decimal("4.20"), 5),
        "daily-life": DimensionResult(Decimal("6.86"), 7),
        **changes,
    }
    return ScoreResult(dimensions=dimensions, overall=Decimal("6.25"))


def hand_made(**fields) -> ScanResultView:
    """A result without the database: the six Positive Health parts, one not answered."""
    values = {
        "body": Decimal("7.5"),
        "mental": None,
        "meaning": Decimal("8"),
        "quality-of-life": Decimal("5.3"),
        "participation": Decimal("4.2"),
        "daily-life": Decimal("6.9"),
    }
    view = ScanResultView(
        instrument_name="Positieve Gezondheid",
        version_number=1,
        completed_at=None,
        dimensions=tuple(
            DimensionRow(code, name, values[code], 0 if values[code] is None else 7, 7)
            for code, name in POSITIVE_HEALTH.items()
        ),
        overall=Decimal("6.38"),
        scale_min=0,
        scale_max=10,
    )
    return replace(view, **fields)


# --- Building the view ------------------------------------------------------------------


@pytest.mark.django_db
class TestResultViewFromScores:
    @pytest.fixture
    def version(self):
        instrument = InstrumentFactory(name_nl="Proefscan", name_en="Trial scan")
        version = InstrumentVersionFactory(instrument=instrument, number=3, scale_max=5)
        # Made in reverse order on purpose: the view follows `order`, not creation.
        second = DimensionFactory(version=version, code="b", order=2, name_nl="Wonen")
        first = DimensionFactory(version=version, code="a", order=1, name_nl="Geld")
        for order, dimension in enumerate([first, first, second, second, second], start=1):
            ItemFactory(version=version, dimension=dimension, order=order)
        # An open question counts for no dimension.
        ItemFactory(version=version, dimension=None, kind="open", order=6)
        return InstrumentVersion.objects.with_structure().get(pk=version.pk)

    def test_rows_follow_the_version(self, version):
        scores = ScoreResult({"a": DimensionResult(Decimal("3.50"), 2)}, Decimal("3.50"))
        with translation.override("nl"):
            view = result_view_from_scores(
                version=version, scores=scores, reading=["Zin."], suggestions=["Tip"]
            )
        assert view.instrument_name == "Proefscan"
        assert view.version_number == 3
        assert (view.scale_min, view.scale_max) == (0, 5)
        assert view.dimensions == (
            DimensionRow("a", "Geld", Decimal("3.50"), 2, 2),
            DimensionRow("b", "Wonen", None, 0, 3),
        )
        assert view.overall == Decimal("3.50")
        assert view.completed_at is None and not view.is_saved
        assert (view.reading, view.suggestions) == (("Zin.",), ("Tip",))

    def test_names_in_the_active_language(self, version):
        scores = ScoreResult({}, None)
        with translation.override("en"):
            view = result_view_from_scores(version=version, scores=scores)
        assert view.instrument_name == "Trial scan"


# --- The PDF ----------------------------------------------------------------------------


@pytest.mark.django_db
class TestPositiveHealthPdf:
    def test_a_pdf_of_one_or_two_pages(self, positive_health):
        with translation.override("nl"):
            view = result_view_from_scores(version=positive_health, scores=health_scores())
            pdf = result_pdf(result=view)
        assert pdf.startswith(b"%PDF-")
        assert page_count(pdf) in (1, 2)

    def test_dutch_names_decimal_comma_and_date(self, positive_health):
        completed = datetime(2026, 3, 12, 23, 30, tzinfo=UTC)  # 13 March 00:30 in Amsterdam
        with translation.override("nl"):
            view = result_view_from_scores(
                version=positive_health, scores=health_scores(), completed_at=completed
            )
            text = pdf_text(result_pdf(result=view))
            answered = gettext("%(answered)s of %(total)s")
            overall = gettext("Overall score")
        for name in POSITIVE_HEALTH.values():
            assert name in text
        assert f"Lichaamsfuncties 7,5 {answered % {'answered': 7, 'total': 7}}" in text
        assert f"Meedoen 4,2 {answered % {'answered': 5, 'total': 7}}" in text
        # 6.25 rounds half up to one decimal.
        assert f"{overall} 6,3" in text
        assert "7.5" not in text
        assert "13 maart 2026" in text

    def test_english_text(self, positive_health):
        with translation.override("en"):
            view = result_view_from_scores(version=positive_health, scores=health_scores())
            text = pdf_text(result_pdf(result=view))
        assert "Your result: Positive Health" in text
        assert "Bodily functions 7.5 7 of 7" in text
        assert "Participation 4.2 5 of 7" in text
        assert "Overall score 6.3" in text


class TestNotAnswered:
    def test_english(self):
        with translation.override("en"):
            text = pdf_text(result_pdf(result=hand_made()))
        assert "Mentaal welbevinden Not answered 0 of 7" in text
        # The spider web's own note beside the spoke, in lower case.
        assert "not answered" in text

    def test_dutch(self):
        with translation.override("nl"):
            text = pdf_text(result_pdf(result=hand_made()))
            expected = f"Mentaal welbevinden {gettext('Not answered')} 0"
        assert expected in text
        assert "Mentaal welbevinden 0 " not in text


class TestFooter:
    # In English: the sentences are the message ids, whatever the Dutch catalogue holds.
    ANONYMOUS = "This is your result. Nobody else has this result, unless you share it yourself."
    SAVED = "It is stored in your Buurtkompas account. You decide who else may see it."

    def test_anonymous_result_says_nobody_else_has_it(self):
        with translation.override("en"):
            text = pdf_text(result_pdf(result=hand_made()))
        assert self.ANONYMOUS in text
        assert self.SAVED not in text
        assert "This result is not stored." in text

    def test_saved_result_says_where_it_is(self):
        view = hand_made(completed_at=datetime(2026, 3, 12, 10, 0, tzinfo=UTC))
        with translation.override("en"):
            text = pdf_text(result_pdf(result=view))
        assert self.SAVED in text
        assert "Nobody else has this result" not in text
        assert "Filled in on 12 March 2026" in text

    def test_repeats_on_every_page_with_the_page_number(self):
        long_reading = ["A sentence that explains the result in plain words, for everyone."] * 40
        with translation.override("en"):
            pdf = result_pdf(result=hand_made(reading=long_reading))
        pages = page_count(pdf)
        assert pages >= 2
        for page in range(1, pages + 1):
            text = pdf_text(pdf, page)
            assert self.ANONYMOUS in text
            assert re.search(rf"\b{page} ?/ ?{pages}$", text)


class TestNoNetwork:
    def test_only_local_files_are_read(self):
        fetcher = recording_fetcher()
        # Titles are text: markup in one is printed, never loaded.
        view = hand_made(suggestions=['<img src="https://example.invalid/tracker.png">'])
        pdf = result_pdf(result=view, url_fetcher=fetcher)
        assert pdf.startswith(b"%PDF-")
        assert not [url for url in fetcher.urls if url.startswith(("http:", "https:"))]
        assert all(url.startswith("file:") for url in fetcher.urls)
        # The stylesheet and the logo came through this fetcher, from disk.
        assert any(url.endswith("/css/print-result.css") for url in fetcher.urls)
        assert any(url.endswith("/favicon.svg") for url in fetcher.urls)

    @pytest.mark.parametrize("url", ["http://example.invalid/a.css", "https://example.invalid/"])
    def test_the_default_fetcher_refuses_remote_urls(self, url):
        with pytest.raises(ValueError, match="disallowed protocol"):
            local_url_fetcher().fetch(url)

    def test_the_default_fetcher_reads_local_files(self):
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "x.css"
            path.write_text("p { color: red }")
            response = local_url_fetcher().fetch(path.as_uri())
            try:
                assert response.read() == b"p { color: red }"
            finally:
                response.close()


def test_rendering_a_pdf_keeps_the_photo_check_strict(db):
    """WeasyPrint's import tells Pillow to accept cut-off images; an attachment that is a
    cut-off photo must still be refused after a PDF was made in the same process."""
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from apps.dossiers.uploads import image_without_metadata

    result_pdf(result=hand_made())
    data = BytesIO()
    Image.new("RGB", (40, 30), (245, 230, 163)).save(data, "PNG")
    cut_off = SimpleUploadedFile("foto.png", data.getvalue()[:60], content_type="image/png")
    assert image_without_metadata(cut_off, "image/png") is None

"""The pages every visitor can reach from the footer, which a Dutch municipality requires:
the privacy statement, the accessibility statement (toegankelijkheidsverklaring) and how
to reach us. A functional administrator keeps their text in the administration."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.languages import in_active_language


class InformationPage(models.Model):
    class Kind(models.TextChoices):
        PRIVACY = "privacy", _("Privacy statement")
        ACCESSIBILITY = "toegankelijkheid", _("Accessibility statement")
        CONTACT = "contact", _("Contact")

    slug = models.SlugField(_("page"), max_length=20, choices=Kind, unique=True)
    title_nl = models.CharField(_("title (Dutch)"), max_length=150)
    title_en = models.CharField(_("title (English)"), max_length=150, blank=True)
    # Plain text: a blank line starts a new paragraph. No markup, so nothing a page
    # shows can run a script.
    body_nl = models.TextField(_("text (Dutch)"))
    body_en = models.TextField(_("text (English)"), blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("information page")
        verbose_name_plural = _("information pages")
        ordering = ["slug"]

    def __str__(self):
        return self.title_nl

    @classmethod
    def shown(cls, slug: str) -> "InformationPage | None":
        """The page as the administrator keeps it, or its first text when it has no row."""
        from apps.portal.information import PAGES

        page = cls.objects.filter(slug=slug).first()
        if page is None and slug in PAGES:
            title_nl, title_en, body_nl, body_en = PAGES[slug]
            page = cls(
                slug=slug, title_nl=title_nl, title_en=title_en, body_nl=body_nl, body_en=body_en
            )
        return page

    @property
    def title(self) -> str:
        return in_active_language(self.title_nl, self.title_en)

    @property
    def paragraphs(self) -> list[str]:
        return split_paragraphs(in_active_language(self.body_nl, self.body_en))


class JourneyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Journey.Status.PUBLISHED)


class Journey(models.Model):
    """A customer journey (klantreis): a resident's own question on one of the themes
    ("How do I get out of debt?"), answered in steps written for B1 readers, that always
    end with the way to a person. Staff write it as a draft and publish it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    theme = models.ForeignKey(
        "organisation.Theme",
        verbose_name=_("theme"),
        on_delete=models.PROTECT,
        related_name="journeys",
    )
    slug = models.SlugField(
        _("web address"),
        max_length=80,
        unique=True,
        help_text=_("The last part of the page's address, such as uit-de-schulden."),
    )
    question = models.CharField(
        _("the resident's question"),
        max_length=150,
        help_text=_("In the resident's words, for example: How do I get out of debt?"),
    )
    summary = models.CharField(
        _("short answer"),
        max_length=300,
        help_text=_("One or two sentences: shown in lists and search results."),
    )
    # Plain text: a blank line starts a new paragraph, as on the information pages.
    introduction = models.TextField(_("introduction"), blank=True)
    position = models.PositiveSmallIntegerField(_("position within the theme"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("last edited"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = JourneyQuerySet.as_manager()

    class Meta:
        verbose_name = _("journey")
        verbose_name_plural = _("journeys")
        ordering = ["theme__position", "position", "question"]
        indexes = [models.Index(fields=["status", "theme"], name="portal_journey_shown_idx")]

    def __str__(self):
        return self.question

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def paragraphs(self) -> list[str]:
        return split_paragraphs(self.introduction)


class JourneyStep(models.Model):
    """One step of a journey. What it shows besides its own text depends on its kind: a
    self-test links to a self-scan, help nearby lists services of the social map that
    match its words, a link goes to a trusted website."""

    class Kind(models.TextChoices):
        EXPLANATION = "explanation", _("Explanation")
        SELF_TEST = "self_test", _("Self-test")
        SERVICES = "services", _("Help nearby (social map)")
        LINK = "link", _("Link to a trusted website")

    journey = models.ForeignKey(
        Journey, verbose_name=_("journey"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.EXPLANATION)
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("text"), blank=True)
    instrument_code = models.SlugField(
        _("self-scan"),
        max_length=50,
        blank=True,
        help_text=_("For a self-test: which self-scan it opens."),
    )
    search_words = models.CharField(
        _("words for the social map"),
        max_length=150,
        blank=True,
        help_text=_(
            "For help nearby: the words the social map searches with, within the theme. "
            "Empty: every service of the theme."
        ),
    )
    link_url = models.URLField(_("web address of the link"), blank=True)
    link_label = models.CharField(_("text of the link"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("journey step")
        verbose_name_plural = _("journey steps")
        ordering = ["journey", "position", "pk"]

    def __str__(self):
        return self.title

    @property
    def paragraphs(self) -> list[str]:
        return split_paragraphs(self.body)

    def clean(self):
        errors = {}
        if self.kind == self.Kind.SELF_TEST and not self.instrument_code:
            errors["instrument_code"] = _("Choose the self-scan this step opens.")
        if self.kind == self.Kind.LINK and not (self.link_url and self.link_label):
            errors["link_url"] = _("A link needs a web address and the text people click.")
        if self.link_url and not self.link_url.startswith("https://"):
            errors["link_url"] = _("Link only to a safe address that starts with https://.")
        if errors:
            raise ValidationError(errors)


def split_paragraphs(text: str) -> list[str]:
    """Plain text with a blank line between paragraphs, as staff type it."""
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]

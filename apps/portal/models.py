"""The pages every visitor can reach from the footer, which a Dutch municipality requires:
the privacy statement, the accessibility statement (toegankelijkheidsverklaring) and how
to reach us. A functional administrator keeps their text in the administration."""

from django.conf import settings
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
        body = in_active_language(self.body_nl, self.body_en)
        return [part.strip() for part in body.replace("\r\n", "\n").split("\n\n") if part.strip()]

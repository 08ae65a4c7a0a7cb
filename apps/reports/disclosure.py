"""Figures as a reader may see them: exact for the organisation's own staff, protected
against small counts for municipality viewers.

Protection (the rule of the next issue's disclosure control, used on the viewer's pages
from the start): a count under 10 shows as "< 10" and is not drawn; other counts are
rounded to the nearest 5. A share or a mean over fewer than 10 is not shown at all.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from apps.reports.charts import Value, format_number

SMALL_COUNT = 10
# Shown where there is no figure (the table needs a text; "0" would look like data).
NO_FIGURE = "\u2013"
ROUND_TO = 5


@dataclass(frozen=True)
class Presenter:
    protected: bool

    def count(self, n: float | None) -> Value:
        if n is None:
            return Value(None, NO_FIGURE)
        n = int(n)
        if self.protected:
            if 0 < n < SMALL_COUNT:
                return Value(None, _("< 10"))
            n = ROUND_TO * round(n / ROUND_TO)
        return Value(n, format_number(n))

    def share(self, part: float | None, whole: float | None) -> Value:
        """A percentage of a whole; nothing when the whole is zero or too small to show."""
        if not whole or part is None:
            return Value(None, NO_FIGURE)
        if self.protected and whole < SMALL_COUNT:
            return Value(None, _("< 10"))
        percentage = 100 * part / whole
        return Value(percentage, f"{format_number(percentage, 1)}%")

    def mean(self, total: float | None, n: float | None, decimals: int = 1) -> Value:
        if not n:
            return Value(None, NO_FIGURE)
        if self.protected and n < SMALL_COUNT:
            return Value(None, _("< 10"))
        mean = total / n
        return Value(mean, format_number(mean, decimals))

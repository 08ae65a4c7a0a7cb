"""A service's opening hours in words: "ma, wo 09:00-12:30"."""

from django.utils.translation import gettext_lazy as _

DAY_NAMES = {
    "MO": _("Mon"),
    "TU": _("Tue"),
    "WE": _("Wed"),
    "TH": _("Thu"),
    "FR": _("Fri"),
    "SA": _("Sat"),
    "SU": _("Sun"),
}


def opening_hours(schedules) -> list[str]:
    lines = []
    for schedule in schedules:
        days = ", ".join(
            str(DAY_NAMES[day]) for day in schedule.byday.split(",") if day in DAY_NAMES
        )
        lines.append(f"{days} {schedule.opens_at:%H:%M}\N{EN DASH}{schedule.closes_at:%H:%M}")
    return lines

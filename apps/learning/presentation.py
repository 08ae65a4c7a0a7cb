"""A group's member table and step funnel as HTML written in Python: for 200 members a
template would spend most of the page's time looking up the same few translations per
row."""

from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from apps.learning.selectors import CohortOverview


def member_rows(overview: CohortOverview) -> SafeString:
    """A `<tr>` per member: name (with why they need attention, or that they finished),
    steps done, last activity, quiz score and how many reflections they shared."""
    labels = {
        key: escape(gettext(text))
        for key, text in (
            ("done", "Steps done"),
            ("active", "Last active"),
            ("quiz", "Quiz score"),
            ("shared", "Shared"),
        )
    }
    today, not_active = escape(gettext("today")), escape(gettext("not active"))
    finished = escape(gettext("finished"))
    call_wanted = escape(gettext("would like a call"))
    # Each member's own page: the group's address with the enrolment's id.
    member_url = reverse("learning_work:cohort_member", args=[overview.cohort.pk, 0])[:-2]
    behind_texts: dict[int, str] = {}
    idle_texts: dict[int, str] = {}
    rows = []
    for member in overview.participants:
        name = f'<a class="utrecht-link" href="{member_url}{member.enrolment_id}/">'
        name += f"{escape(member.name)}</a>"
        if member.call_wanted:
            name += f'<br><strong class="bk-attention bk-normal">{call_wanted}</strong>'
        if member.behind:
            why = not_active
            if member.missing:
                why = behind_texts.get(member.missing) or behind_texts.setdefault(
                    member.missing,
                    escape(
                        ngettext(
                            "%(counter)s step behind", "%(counter)s steps behind", member.missing
                        )
                        % {"counter": member.missing}
                    ),
                )
            name += f'<br><strong class="bk-attention bk-normal">{why}</strong>'
        elif member.completed:
            name += f'<br><span class="bk-status">{finished}</span>'
        if member.idle_days == 0:
            active = today
        else:
            active = idle_texts.get(member.idle_days) or idle_texts.setdefault(
                member.idle_days,
                escape(
                    ngettext("%(days)s day ago", "%(days)s days ago", member.idle_days)
                    % {"days": member.idle_days}
                ),
            )
        quiz = "\N{EN DASH}" if member.quiz_score is None else f"{round(member.quiz_score * 100)}%"
        attention = " bk-row--attention" if member.behind else ""
        rows.append(
            f'<tr class="utrecht-table__row{attention}">'
            f'<th scope="row" class="utrecht-table__header-cell">{name}</th>'
            f'<td class="utrecht-table__cell" data-label="{labels["done"]}">'
            f"{member.done} / {overview.step_count}</td>"
            f'<td class="utrecht-table__cell" data-label="{labels["active"]}">{active}</td>'
            f'<td class="utrecht-table__cell" data-label="{labels["quiz"]}">{quiz}</td>'
            f'<td class="utrecht-table__cell" data-label="{labels["shared"]}">{member.shared}</td>'
            "</tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped above)


def funnel_items(overview: CohortOverview) -> SafeString:
    """A `<li>` per step: its title, a meter and "n of total" members who finished it."""
    total = len(overview.participants)
    of = gettext("%(count)s of %(total)s")
    items = []
    for step in overview.funnel:
        count = escape(of % {"count": step.finished, "total": total})
        items.append(
            f'<li class="bk-funnel__row"><span class="bk-funnel__label">{escape(step.title)}</span>'
            f'<meter class="bk-funnel__bar" min="0" max="{max(total, 1)}" value="{step.finished}"'
            f' aria-hidden="true"></meter><span class="bk-funnel__count">{count}</span></li>'
        )
    return mark_safe("".join(items))  # noqa: S308 (every value escaped above)


def reflection_items(reflections: list[dict]) -> SafeString:
    """A `<li>` per reflection a member shared: who, the question and their answer, its
    lines kept."""
    items = []
    for shared in reflections:
        name = escape(f"{shared['first_name']} {shared['last_name']}".strip())
        answer = "<br>".join(escape(line) for line in shared["reflection"].splitlines())
        items.append(
            f'<li class="bk-journey-card"><p class="utrecht-paragraph"><strong>{name}</strong>'
            f" · {escape(shared['question'])}</p>"
            f'<blockquote class="bk-quote">{answer}</blockquote></li>'
        )
    return mark_safe("".join(items))  # noqa: S308 (every value escaped above)

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
    # The cells' opening tags, named once: 200 rows repeat them.
    done_cell = f'<td class="utrecht-table__cell" data-label="{labels["done"]}">'
    active_cell = f'</td><td class="utrecht-table__cell" data-label="{labels["active"]}">'
    quiz_cell = f'</td><td class="utrecht-table__cell" data-label="{labels["quiz"]}">'
    shared_cell = f'</td><td class="utrecht-table__cell" data-label="{labels["shared"]}">'
    of_steps = f" / {overview.step_count}"
    rows = []
    for member in overview.participants:
        name = (
            f'<a class="utrecht-link" href="{member_url}{member.enrolment_id}/">'
            f"{escape(member.name)}</a>"
        )
        if member.call_wanted:
            name += f'<br><strong class="bk-attention bk-normal">{call_wanted}</strong>'
        behind = member.behind
        if behind:
            missing = member.missing
            why = not_active
            if missing:
                why = behind_texts.get(missing) or behind_texts.setdefault(
                    missing,
                    escape(
                        ngettext("%(counter)s step behind", "%(counter)s steps behind", missing)
                        % {"counter": missing}
                    ),
                )
            name += f'<br><strong class="bk-attention bk-normal">{why}</strong>'
        elif member.completed:
            name += f'<br><span class="bk-status">{finished}</span>'
        idle = member.idle_days
        if idle == 0:
            active = today
        else:
            active = idle_texts.get(idle) or idle_texts.setdefault(
                idle,
                escape(ngettext("%(days)s day ago", "%(days)s days ago", idle) % {"days": idle}),
            )
        score = member.quiz_score
        quiz = "\N{EN DASH}" if score is None else f"{round(score * 100)}%"
        attention = " bk-row--attention" if behind else ""
        rows.append(
            f'<tr class="utrecht-table__row{attention}">'
            f'<th scope="row" class="utrecht-table__header-cell">{name}</th>'
            f"{done_cell}{member.done}{of_steps}{active_cell}{active}{quiz_cell}{quiz}"
            f"{shared_cell}{member.shared}</td></tr>"
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

"""Activities (groups, courses, walk-in hours): signing up with places and a waiting list,
cancelling, the waiting list moving up, reminders by e-mail and a calendar file.

Places hold under sign-ups at the same moment: a sign-up locks the activity's row first,
so two residents who ask for the last place are counted one after the other; one gets it,
the other the waiting list. A double sign-up is refused, by the service and by a partial
unique constraint. When someone with a place cancels (or staff cancel them), the first on
the waiting list gets the place and an e-mail.
"""

from datetime import timedelta

import icalendar
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts import policy
from apps.core.outbox import enqueue_on_commit
from apps.portal import selectors
from apps.portal.models import Activity, ResidentPreferences, SignUp

# Reminders go out this long before an activity starts.
REMIND_BEFORE = timedelta(hours=36)


@transaction.atomic
def sign_up(*, actor, activity: Activity, waiting_list_ok: bool = False) -> SignUp:
    """A place for the resident, or a turn on the waiting list when the activity is full
    and they said that is fine (`waiting_list_ok`); ValidationError otherwise, code "full"
    when only the waiting list is left."""
    policy.require(actor, "portal.add_signup")
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if not selectors.activity_open_to(actor, activity):
        raise ValidationError(_("This meeting is for the members of its group."), code="group")
    if activity.status == Activity.Status.CANCELLED:
        raise ValidationError(_("This activity does not go ahead."), code="cancelled")
    if not activity.takes_sign_ups:
        raise ValidationError(
            _("You do not need to sign up for this activity: just come."), code="open"
        )
    if activity.starts_at <= timezone.now():
        raise ValidationError(_("This activity has started already."), code="started")
    if SignUp.objects.active().filter(activity=activity, resident=actor).exists():
        raise ValidationError(_("You are signed up for this activity already."), code="double")
    taken = SignUp.objects.filter(activity=activity, status=SignUp.Status.PLACE).count()
    status = SignUp.Status.PLACE if taken < activity.capacity else SignUp.Status.WAITING
    if status == SignUp.Status.WAITING and not waiting_list_ok:
        raise ValidationError(
            _("This activity is full. You can put your name on the waiting list."), code="full"
        )
    try:
        with transaction.atomic():
            return SignUp.objects.create(activity=activity, resident=actor, status=status)
    except IntegrityError as error:  # the same resident, twice at the same moment
        raise ValidationError(
            _("You are signed up for this activity already."), code="double"
        ) from error


@transaction.atomic
def sign_up_cancel(*, actor, sign_up: SignUp) -> SignUp | None:
    """The resident cancels (or staff cancel for them). A place that comes free goes to the
    first on the waiting list, who is told by e-mail; that sign-up is returned."""
    activity = Activity.objects.select_for_update().get(pk=sign_up.activity_id)
    sign_up = SignUp.objects.select_for_update().get(pk=sign_up.pk)
    policy.require(actor, "portal.change_signup", sign_up)
    if sign_up.status == SignUp.Status.CANCELLED:
        raise ValidationError(_("This sign-up was cancelled already."))
    had_place = sign_up.status == SignUp.Status.PLACE
    sign_up.status, sign_up.cancelled_at = SignUp.Status.CANCELLED, timezone.now()
    sign_up.save(update_fields=["status", "cancelled_at"])
    if not had_place or activity.starts_at <= timezone.now():
        return None
    return _move_up(activity)


def _move_up(activity: Activity) -> SignUp | None:
    first = (
        SignUp.objects.select_for_update()
        .filter(activity=activity, status=SignUp.Status.WAITING)
        .order_by("signed_up_at", "pk")
        .first()
    )
    if first is None:
        return None
    first.status, first.moved_up_at = SignUp.Status.PLACE, timezone.now()
    first.save(update_fields=["status", "moved_up_at"])
    from apps.portal.tasks import mail_moved_up

    enqueue_on_commit(mail_moved_up, first.pk)
    return first


def moved_up_mail(*, sign_up_id: int) -> bool:
    sign_up = SignUp.objects.select_related("activity", "resident").filter(pk=sign_up_id).first()
    if sign_up is None or sign_up.status != SignUp.Status.PLACE:
        return False
    return _mail(
        sign_up,
        gettext_lazy("You have a place: %(title)s"),
        gettext_lazy(
            "Good news: a place came free for %(title)s on %(when)s, and it is yours now.\n\n"
            "Can you not come after all? Then cancel, so someone else gets the place:\n"
            "%(link)s"
        ),
    )


def reminders_send(*, now=None) -> int:
    """E-mail everyone with a place in an activity that starts within REMIND_BEFORE, once."""
    now = now or timezone.now()
    due = SignUp.objects.filter(
        status=SignUp.Status.PLACE,
        reminded_at__isnull=True,
        activity__status=Activity.Status.PLANNED,
        activity__starts_at__gt=now,
        activity__starts_at__lte=now + REMIND_BEFORE,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            sign_up = (
                SignUp.objects.select_for_update(of=("self",))
                .select_related("activity", "resident")
                .filter(pk=pk, reminded_at__isnull=True, status=SignUp.Status.PLACE)
                .first()
            )
            if sign_up is None:
                continue
            if _mail(
                sign_up,
                gettext_lazy("Reminder: %(title)s"),
                gettext_lazy(
                    "A reminder: you have a place for %(title)s on %(when)s, at %(place)s.\n\n"
                    "Can you not come? Then cancel, so someone else gets the place:\n%(link)s"
                ),
            ):
                sent += 1
            SignUp.objects.filter(pk=pk).update(reminded_at=timezone.now())
    return sent


def _mail(sign_up: SignUp, subject, body) -> bool:
    """`subject` and `body` lazy, so that they are read in the site's language."""
    resident, activity = sign_up.resident, sign_up.activity
    if not (resident.is_active and resident.email and ResidentPreferences.wants_email(resident)):
        return False
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "title": activity.title,
            "when": date_format(timezone.localtime(activity.starts_at), "l j F, H:i"),
            "place": activity.place,
            "link": settings.SITE_URL.rstrip("/")
            + reverse("portal:activity", kwargs={"pk": activity.pk}),
        }
        send_mail(str(subject) % values, str(body) % values, None, [resident.email])
    return True


def calendar_file(activity: Activity) -> bytes:
    """The activity as an iCalendar file, for the resident's own calendar."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Buurtkompas//Activiteiten//NL")
    calendar.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", f"activity-{activity.pk}@buurtkompas")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", activity.starts_at)
    event.add("dtend", activity.ends_at)
    event.add("summary", activity.title)
    event.add("location", activity.place)
    event.add("description", activity.description)
    event.add(
        "url",
        settings.SITE_URL.rstrip("/") + reverse("portal:activity", kwargs={"pk": activity.pk}),
    )
    if activity.status == Activity.Status.CANCELLED:
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    return calendar.to_ical()


# --- Staff: the activities of their team -------------------------------------------------


@transaction.atomic
def activity_save(*, actor, form) -> Activity:
    """Save an activity from its valid form. Fewer places than are taken is refused: the
    residents who have them keep them."""
    activity = form.instance
    if activity.pk is None:
        policy.require(actor, "portal.add_activity")
        activity.created_by = actor
    else:
        policy.require(actor, "portal.change_activity", Activity.objects.get(pk=activity.pk))
    # The team it is saved for must be one the actor may organise for, too.
    if not policy.can(actor, "portal.change_activity", activity):
        raise ValidationError({"team": _("Choose one of your own teams.")})
    cohort = activity.cohort
    if "cohort" in form.changed_data and activity.pk is not None:
        # Taking a meeting away from its group makes it public: only for whoever runs it.
        before = Activity.objects.select_related("cohort").get(pk=activity.pk).cohort
        if before is not None and not policy.can(actor, "learning.change_cohort", before):
            raise ValidationError({"cohort": _("Only who runs the group can change this.")})
    if cohort is not None:
        chosen_now = "cohort" in form.changed_data
        if chosen_now and not policy.can(actor, "learning.change_cohort", cohort):
            raise ValidationError({"cohort": _("Choose a group that you run.")})
        if cohort.team_id != activity.team_id:
            raise ValidationError(
                {"team": _("A group's meeting is organised by the group's team.")}
            )
    if activity.pk is not None and activity.capacity is not None:
        taken = SignUp.objects.filter(activity=activity, status=SignUp.Status.PLACE).count()
        if activity.capacity < taken:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(taken)s residents have a place already: give at least that many."
                    )
                    % {"taken": taken}
                }
            )
    was_planned = (
        activity.pk is not None
        and Activity.objects.filter(pk=activity.pk, status=Activity.Status.PLANNED).exists()
    )
    activity = form.save()
    if was_planned and activity.status == Activity.Status.CANCELLED:
        _call_off(activity)
        return activity
    if activity.capacity is not None:
        # More places than before: the waiting list moves up into the free ones.
        taken = SignUp.objects.filter(activity=activity, status=SignUp.Status.PLACE).count()
        for _place in range(activity.capacity - taken):
            if _move_up(activity) is None:
                break
    return activity


def _call_off(activity: Activity) -> None:
    """The activity does not go ahead: every place and turn ends, and each resident is
    told by e-mail (once: the sign-ups are cancelled in the same transaction)."""
    from apps.portal.tasks import mail_called_off

    called_off = list(
        SignUp.objects.active().filter(activity=activity).values_list("pk", flat=True)
    )
    SignUp.objects.filter(pk__in=called_off).update(
        status=SignUp.Status.CANCELLED, cancelled_at=timezone.now()
    )
    for pk in called_off:
        enqueue_on_commit(mail_called_off, pk)


def called_off_mail(*, sign_up_id: int) -> bool:
    sign_up = SignUp.objects.select_related("activity", "resident").filter(pk=sign_up_id).first()
    if sign_up is None or sign_up.activity.status != Activity.Status.CANCELLED:
        return False
    return _mail(
        sign_up,
        gettext_lazy("Does not go ahead: %(title)s"),
        gettext_lazy(
            "We are sorry: %(title)s on %(when)s does not go ahead. Your sign-up has ended.\n\n"
            "What it was, and other activities:\n%(link)s"
        ),
    )


@transaction.atomic
def attendance_record(*, actor, sign_up: SignUp, attended: bool) -> SignUp:
    policy.require(actor, "portal.change_activity", sign_up.activity)
    if sign_up.status != SignUp.Status.PLACE:
        raise ValidationError(_("Only someone with a place can have been there."))
    sign_up.attended = attended
    sign_up.save(update_fields=["attended"])
    return sign_up

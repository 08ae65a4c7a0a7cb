"""Writing learning paths (importing a path file, publishing a version) and following them
(enrolling, doing the steps, finishing)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.accounts import policy
from apps.audit.models import AccessLogEntry
from apps.audit.services import access_log_record
from apps.dossiers.uploads import upload_checked
from apps.learning import selectors
from apps.learning.models import (
    Cohort,
    Enrolment,
    HelpOffer,
    LearningPath,
    Module,
    ModuleOpening,
    PathMedia,
    PathVersion,
    Post,
    PostReport,
    QuizAnswer,
    QuizOption,
    QuizQuestion,
    Step,
    StepProgress,
)
from apps.learning.signals import help_offered
from apps.learning.transfer import (
    MAX_PICTURE_BYTES,
    PICTURE_TYPES,
    path_content,
    path_file_read,
    picture_name,
    version_problems,
)
from apps.organisation.models import Theme

# --- Writing paths ----------------------------------------------------------------------


@transaction.atomic
def path_import(*, actor, content: bytes) -> PathVersion:
    """A path file as a new draft: of a new path, or of the path with the same address
    when it has no draft yet. Nothing is stored unless the whole file is right."""
    policy.require(actor, "learning.add_learningpath")
    checked = path_file_read(content)
    data = checked.data["path"]
    path = LearningPath.objects.select_for_update().filter(slug=data["slug"]).first()
    if path is None:
        path = LearningPath.objects.create(
            slug=data["slug"], theme=Theme.objects.get(code=data["theme"])
        )
    elif path.versions.filter(status=PathVersion.Status.DRAFT).exists():
        raise ValidationError(
            _("The path %(slug)s already has a draft. Publish or delete that draft first.")
            % {"slug": data["slug"]}
        )
    number = (path.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = PathVersion.objects.create(
        path=path,
        number=number,
        title=data["title"],
        summary=data["summary"],
        introduction=data.get("introduction", ""),
        level=data["level"],
        audience=data.get("audience", ""),
        duration_minutes=data["duration_minutes"],
        pre_measurement=data.get("pre_measurement") or "",
        post_measurement=data.get("post_measurement") or "",
        updated_by=actor,
    )
    _store_content(version, data["modules"])
    _store_pictures(version, checked.pictures)
    access_log_record(actor=actor, action=AccessLogEntry.Action.CREATE, obj=version)
    return version


def _store_content(version: PathVersion, modules: list[dict]) -> None:
    """The modules, steps, quiz questions and options, a few queries per kind whatever the
    size of the path."""
    module_rows = Module.objects.bulk_create(
        Module(
            version=version,
            position=index,
            title=module["title"],
            introduction=module.get("introduction", ""),
        )
        for index, module in enumerate(modules)
    )
    step_rows, step_data = [], []
    for module_row, module in zip(module_rows, modules, strict=True):
        for index, step in enumerate(module["steps"]):
            step_rows.append(
                Step(
                    module=module_row,
                    position=index,
                    kind=step["kind"],
                    title=step["title"],
                    minutes=step.get("minutes"),
                    body=step.get("body", ""),
                    video_url=step.get("url", ""),
                    transcript=step.get("transcript", ""),
                    question=step.get("question", ""),
                    upload=step.get("upload", Step.Upload.NONE),
                    checklist_items=step.get("items", []),
                )
            )
            step_data.append(step)
    step_rows = Step.objects.bulk_create(step_rows)
    question_rows, question_data = [], []
    for step_row, step in zip(step_rows, step_data, strict=True):
        for index, question in enumerate(step.get("questions", [])):
            question_rows.append(
                QuizQuestion(step=step_row, position=index, text=question["question"])
            )
            question_data.append(question)
    question_rows = QuizQuestion.objects.bulk_create(question_rows)
    QuizOption.objects.bulk_create(
        QuizOption(
            question=question_row,
            position=index,
            text=option["text"],
            correct=option.get("correct", False),
            feedback=option["feedback"],
        )
        for question_row, question in zip(question_rows, question_data, strict=True)
        for index, option in enumerate(question["options"])
    )


def _store_pictures(version: PathVersion, pictures: dict) -> None:
    for name, (picture, content_type) in pictures.items():
        media = PathMedia(version=version, name=name, content_type=content_type, size=picture.size)
        media.file.save(name, picture, save=False)
        media.save()


@transaction.atomic
def version_publish(*, actor, version: PathVersion) -> PathVersion:
    """Publish a draft: new learners start this version; the version it replaces stays
    for those who started it."""
    policy.require(actor, "learning.publish_pathversion", version)
    version = PathVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_draft:
        raise ValidationError(_("Only a draft can be published."))
    problems = version_problems(selectors.version_with_content(pk=version.pk))
    if problems:
        raise ValidationError(problems)
    PathVersion.objects.filter(path_id=version.path_id, status=PathVersion.Status.PUBLISHED).update(
        status=PathVersion.Status.RETIRED
    )
    version.status = PathVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.updated_by = actor
    version.save(update_fields=["status", "published_at", "updated_by", "updated_at"])
    access_log_record(actor=actor, action=AccessLogEntry.Action.UPDATE, obj=version)
    return version


# --- Editing a draft --------------------------------------------------------------------


def _editable(actor, version: PathVersion) -> None:
    """Only a draft changes: learners' progress refers to the steps of a published one.
    The version's row is read again and locked, so that an edit and a publish of the same
    draft cannot cross (the caller's transaction holds the lock)."""
    version = PathVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_draft:
        raise ValidationError(
            _("Only a draft can be changed. Make a new draft of this version first."),
            code="not_draft",
        )
    policy.require(actor, "learning.change_pathversion", version)


def _edited_by(actor, version: PathVersion) -> None:
    PathVersion.objects.filter(pk=version.pk).update(updated_by=actor, updated_at=timezone.now())


@transaction.atomic
def path_create(*, actor, slug: str, theme: Theme, **fields) -> PathVersion:
    """A new path with its first version, a draft without modules yet."""
    policy.require(actor, "learning.add_learningpath")
    taken = ValidationError({"slug": _("Another learning path has this web address.")})
    if LearningPath.objects.filter(slug=slug).exists():
        raise taken
    try:
        with transaction.atomic():
            path = LearningPath.objects.create(slug=slug, theme=theme)
    except IntegrityError:
        # Someone made a path with this address at the same moment.
        raise taken from None
    version = PathVersion.objects.create(path=path, number=1, updated_by=actor, **fields)
    access_log_record(actor=actor, action=AccessLogEntry.Action.CREATE, obj=version)
    return version


@transaction.atomic
def draft_from(*, actor, version: PathVersion) -> PathVersion:
    """A new draft that copies a published or retired version, to change it. Pictures are
    shared: a stored picture never changes."""
    policy.require(actor, "learning.add_learningpath")
    path = LearningPath.objects.select_for_update().get(pk=version.path_id)
    if path.versions.filter(status=PathVersion.Status.DRAFT).exists():
        raise ValidationError(_("This path has a draft already: change that one."))
    source = selectors.version_with_content(pk=version.pk)
    number = (path.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    copied = [field.name for field in PathVersion._meta.concrete_fields if field.editable]
    draft = PathVersion.objects.create(
        **{name: getattr(source, name) for name in copied if name not in {"id", "status"}}
        | {"number": number, "updated_by": actor, "created_at": timezone.now()}
    )
    _store_content(draft, path_content(source)["modules"])
    PathMedia.objects.bulk_create(
        PathMedia(
            version=draft,
            name=picture.name,
            content_type=picture.content_type,
            file=picture.file.name,
            size=picture.size,
        )
        for picture in source.media.all()
    )
    access_log_record(actor=actor, action=AccessLogEntry.Action.CREATE, obj=draft)
    return draft


@transaction.atomic
def draft_delete(*, actor, version: PathVersion) -> None:
    """Throw a draft away; a path that had nothing else goes with it."""
    _editable(actor, version)
    path = version.path
    access_log_record(actor=actor, action=AccessLogEntry.Action.DELETE, obj=version)
    version.delete()
    if not path.versions.exists():
        path.delete()


@transaction.atomic
def draft_save(*, actor, form, formset=None) -> None:
    """Save a valid form of a draft's version, part, step or quiz question, with the
    formset of its items (a question's answer options), as `actor` last edited it."""
    version = version_of(form.instance)
    _editable(actor, version)
    item = form.save(commit=False)
    if isinstance(item, Step) and "module" in form.changed_data:
        # Moved to another part (the form offers only this version's): there, last.
        last = Step.objects.filter(module_id=item.module_id).aggregate(last=Max("position"))
        item.position = 0 if last["last"] is None else last["last"] + 1
    item.save()
    if formset is not None:
        formset.save()
    _edited_by(actor, version)


def version_of(item) -> PathVersion:
    """The version a part, step, quiz question or picture belongs to."""
    if isinstance(item, PathVersion):
        return item
    if isinstance(item, Module | PathMedia):
        return item.version
    if isinstance(item, Step):
        return item.module.version
    return item.step.module.version


@transaction.atomic
def module_add(*, actor, version: PathVersion, title: str) -> Module:
    _editable(actor, version)
    last = version.modules.aggregate(last=Max("position"))["last"]
    module = Module.objects.create(
        version=version, title=title, position=0 if last is None else last + 1
    )
    _edited_by(actor, version)
    return module


@transaction.atomic
def step_add(*, actor, module: Module, kind: str, title: str) -> Step:
    _editable(actor, module.version)
    last = module.steps.aggregate(last=Max("position"))["last"]
    step = Step.objects.create(
        module=module, kind=kind, title=title, position=0 if last is None else last + 1
    )
    _edited_by(actor, module.version)
    return step


@transaction.atomic
def item_move(*, actor, item: Module | Step, up: bool) -> None:
    """One place up or down among its siblings: the parts of the version, the steps of the
    part, or the questions of the quiz."""
    if not isinstance(item, Module | Step | QuizQuestion):
        raise ValidationError(_("Only parts, steps and quiz questions have an order."))
    version = version_of(item)
    _editable(actor, version)
    siblings = list(_siblings(item).select_for_update())
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, sibling in enumerate(siblings):
            sibling.position = position
        type(item).objects.bulk_update(siblings, ["position"])
        _edited_by(actor, version)


def _siblings(item):
    if isinstance(item, Module):
        return Module.objects.filter(version_id=item.version_id)
    if isinstance(item, Step):
        return Step.objects.filter(module_id=item.module_id)
    return QuizQuestion.objects.filter(step_id=item.step_id)


@transaction.atomic
def item_delete(*, actor, item: Module | Step | QuizQuestion | PathMedia) -> None:
    """Remove a part (with its steps), a step, a quiz question or a picture from a draft.
    A picture's file stays: an older version may share it."""
    version = version_of(item)
    _editable(actor, version)
    item.delete()
    _edited_by(actor, version)


@transaction.atomic
def question_add(*, actor, step: Step, form, options) -> QuizQuestion:
    """A new question of a quiz step, with its answer options (a valid formset)."""
    if step.kind != Step.Kind.QUIZ:
        raise ValidationError(_("Only a quiz step has questions."))
    _editable(actor, step.module.version)
    last = step.quiz_questions.aggregate(last=Max("position"))["last"]
    question = form.save(commit=False)
    question.step, question.position = step, 0 if last is None else last + 1
    question.save()
    options.instance = question
    options.save()
    _edited_by(actor, step.module.version)
    return question


MAX_PICTURES = 200


@transaction.atomic
def picture_add(*, actor, version: PathVersion, upload) -> PathMedia:
    """A picture the draft's texts can show as media:<name>: a PNG or JPEG of at most 2 MB,
    named after its file."""
    _editable(actor, version)
    if upload.size > MAX_PICTURE_BYTES:
        raise ValidationError({"picture": _("The picture is larger than 2 MB.")})
    try:
        cleaned, content_type = upload_checked(upload)
    except ValidationError as error:
        raise ValidationError({"picture": error.messages}) from None
    if content_type not in PICTURE_TYPES:
        raise ValidationError({"picture": _("A picture is a PNG or JPEG file.")})
    if version.media.count() >= MAX_PICTURES:
        raise ValidationError({"picture": _("A path has at most 200 pictures.")})
    name = picture_name(upload.name, content_type)
    taken = ValidationError(
        {"picture": _("There is a picture called %(name)s already.") % {"name": name}}
    )
    if version.media.filter(name=name).exists():
        raise taken
    try:
        with transaction.atomic():
            _store_pictures(version, {name: (cleaned, content_type)})
    except IntegrityError:
        raise taken from None
    _edited_by(actor, version)
    return version.media.get(name=name)


# --- Following paths --------------------------------------------------------------------


@transaction.atomic
def enrol(*, actor, path: LearningPath, learner=None) -> Enrolment:
    """Start a path in its published version: yourself, or (a worker) a client of yours."""
    learner = learner or actor
    policy.require(actor, "learning.add_enrolment", learner)
    version = path.versions.published().first()
    if version is None:
        raise ValidationError(_("This path cannot be started at the moment."))
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                path=path,
                version=version,
                learner=learner,
                enrolled_by=None if learner == actor else actor,
            )
    except IntegrityError:
        raise ValidationError(
            _("You already follow this path.")
            if learner == actor
            else _("This resident already follows this path."),
            code="enrolled",
        ) from None
    return enrolment


def _progress(enrolment: Enrolment, step: Step) -> StepProgress:
    progress, _created = StepProgress.objects.get_or_create(enrolment=enrolment, step=step)
    return progress


def _check_step(actor, enrolment: Enrolment, step: Step) -> None:
    policy.require(actor, "learning.change_enrolment", enrolment)
    if step.module.version_id != enrolment.version_id:
        raise ValidationError(_("This step is not part of your path."), code="other_step")
    opens_on = module_opens_on(cohort=enrolment.cohort, module=step.module)
    if opens_on > timezone.localdate():
        raise ValidationError(
            _("This part opens on %(date)s.") % {"date": date_format(opens_on, "j F")},
            code="not_open",
        )


def step_open(*, actor, enrolment: Enrolment, step: Step) -> None:
    """Remember the step the learner is on, so "Continue" brings them back to it."""
    _check_step(actor, enrolment, step)
    now = timezone.now()
    Enrolment.objects.filter(pk=enrolment.pk).update(last_step=step, last_activity_at=now)


@transaction.atomic
def quiz_answer(*, actor, enrolment: Enrolment, step: Step, option_id) -> QuizAnswer:
    """One answer to one question of a quiz; the step is done when every question has been
    answered right. The score counts the first answer of each question."""
    _check_step(actor, enrolment, step)
    option = (
        QuizOption.objects.select_related("question")
        .filter(pk=option_id, question__step=step)
        .first()
        if str(option_id).isdigit()
        else None
    )
    if option is None:
        raise ValidationError({"option": _("Choose one of the answers.")}, code="other_option")
    progress = _progress(enrolment, step)
    answer = QuizAnswer.objects.create(
        progress=progress, question=option.question, option=option, correct=option.correct
    )
    answers = list(progress.quiz_answers.values_list("question_id", "correct"))
    question_ids = set(step.quiz_questions.values_list("pk", flat=True))
    right = {question for question, correct in answers if correct}
    if right >= question_ids and progress.completed_at is None:
        first = {}
        for question, correct in answers:
            first.setdefault(question, correct)
        progress.quiz_score = Decimal(sum(first.values())) / Decimal(len(question_ids))
        progress.quiz_score = progress.quiz_score.quantize(Decimal("0.001"))
        _complete(progress, fields=["quiz_score"])
    else:
        _touch(enrolment)
    return answer


@transaction.atomic
def step_complete(
    *,
    actor,
    enrolment: Enrolment,
    step: Step,
    reflection: str = "",
    share: bool = False,
    ticked: list[int] | None = None,
    upload=None,
) -> StepProgress:
    """Mark a reading, video, reflection, exercise or checklist step done, with what the
    learner wrote, ticked or uploaded."""
    _check_step(actor, enrolment, step)
    kind = Step.Kind
    errors = {}
    if step.kind == kind.QUIZ:
        errors["option"] = _("Answer the questions of the quiz.")
    if step.kind == kind.REFLECTION and not reflection.strip():
        errors["reflection"] = _("Write a few words. Only you read them, unless you share them.")
    progress = _progress(enrolment, step)
    needs_upload = step.kind == kind.EXERCISE and step.upload == Step.Upload.REQUIRED
    if needs_upload and upload is None and not progress.upload:
        errors["upload"] = _("Add a photo or PDF of your result.")
    if errors:
        raise ValidationError(errors)
    fields = []
    if step.kind == kind.REFLECTION:
        progress.reflection, progress.reflection_shared = reflection.strip(), share
        fields += ["reflection", "reflection_shared"]
    if step.kind == kind.CHECKLIST:
        count = len(step.checklist_items)
        progress.checklist_done = sorted({i for i in ticked or [] if 0 <= i < count})
        fields.append("checklist_done")
    if upload is not None and step.kind == kind.EXERCISE and step.upload != Step.Upload.NONE:
        checked, content_type = upload_checked(upload)
        progress.upload_content_type = content_type
        progress.upload_name = upload.name[:255]
        progress.upload.save(upload.name, checked, save=False)
        fields += ["upload", "upload_content_type", "upload_name"]
    _complete(progress, fields=fields)
    return progress


def _complete(progress: StepProgress, *, fields: list[str]) -> None:
    if progress.completed_at is None:
        progress.completed_at = timezone.now()
        fields = [*fields, "completed_at"]
    progress.save(update_fields=fields)
    enrolment = progress.enrolment
    _touch(enrolment)
    steps = Step.objects.filter(module__version_id=enrolment.version_id).count()
    done = enrolment.progress.filter(completed_at__isnull=False).count()
    if done >= steps and enrolment.completed_at is None:
        Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=timezone.now())


def _touch(enrolment: Enrolment) -> None:
    Enrolment.objects.filter(pk=enrolment.pk).update(last_activity_at=timezone.now())


# --- Groups -----------------------------------------------------------------------------


@transaction.atomic
def cohort_create(
    *, actor, version: PathVersion, name: str, team, starts_on, openings=None
) -> Cohort:
    """A group on a published version, facilitated by the actor, with the dates its
    modules open (`openings`: module id to date; a module without one opens at the start)."""
    policy.require(actor, "learning.add_cohort", team)
    errors = {}
    if version.status != PathVersion.Status.PUBLISHED:
        errors["version"] = _("A group follows a published path.")
    if not name.strip():
        errors["name"] = _("Give the group a name.")
    if errors:
        raise ValidationError(errors)
    cohort = Cohort.objects.create(
        version=version, name=name.strip(), team=team, facilitator=actor, starts_on=starts_on
    )
    _openings_save(cohort, openings or {})
    return cohort


@transaction.atomic
def cohort_schedule(*, actor, cohort: Cohort, openings: dict) -> Cohort:
    """Set the days the group's modules open; a module without a day opens at the start."""
    policy.require(actor, "learning.change_cohort", cohort)
    _openings_save(cohort, openings)
    return cohort


def _openings_save(cohort: Cohort, openings: dict) -> None:
    openings = {int(pk): day for pk, day in openings.items() if day}
    module_ids = set(
        Module.objects.filter(version_id=cohort.version_id).values_list("pk", flat=True)
    )
    if set(openings) - module_ids:
        raise ValidationError(_("Only the parts of this path can be given a date."))
    if any(day < cohort.starts_on for day in openings.values()):
        raise ValidationError(_("A part cannot open before the group starts."))
    cohort.openings.all().delete()
    ModuleOpening.objects.bulk_create(
        ModuleOpening(cohort=cohort, module_id=pk, opens_on=day) for pk, day in openings.items()
    )


@transaction.atomic
def cohort_add_learner(*, actor, cohort: Cohort, learner) -> Enrolment:
    """Put a resident in the group: enrolled in its version now, or moved into the group
    when they already follow that version alone."""
    policy.require(actor, "learning.change_cohort", cohort)
    if learner is None or not learner.is_active or learner.role != "resident":
        raise ValidationError({"email": _("There is no resident with this e-mail address.")})
    enrolment = (
        Enrolment.objects.select_for_update()
        .filter(path_id=cohort.version.path_id, learner=learner)
        .first()
    )
    if enrolment is None:
        return Enrolment.objects.create(
            path_id=cohort.version.path_id,
            version=cohort.version,
            learner=learner,
            enrolled_by=actor,
            cohort=cohort,
        )
    if enrolment.cohort_id == cohort.pk:
        raise ValidationError({"email": _("This resident is in the group already.")})
    if enrolment.cohort_id is not None or enrolment.version_id != cohort.version_id:
        raise ValidationError(
            {"email": _("This resident follows this path in another group or version.")}
        )
    enrolment.cohort = cohort
    enrolment.save(update_fields=["cohort"])
    return enrolment


def _check_member(actor, cohort: Cohort, module: Module) -> None:
    policy.require(actor, "learning.add_post", cohort)
    if module.version_id != cohort.version_id:
        raise ValidationError({"module": _("This part is not part of the group's path.")})
    if module_opens_on(cohort=cohort, module=module) > timezone.localdate():
        raise ValidationError({"module": _("This part is not open yet.")}, code="not_open")


def post_add(*, actor, cohort: Cohort, module: Module, body: str) -> Post:
    _check_member(actor, cohort, module)
    if not body.strip():
        raise ValidationError({"body": _("Write your message.")})
    return Post.objects.create(cohort=cohort, module=module, author=actor, body=body.strip())


def post_hide(*, actor, post: Post, hide: bool) -> Post:
    """The facilitator hides a post from the group (or shows it again)."""
    policy.require(actor, "learning.change_cohort", post.cohort)
    post.hidden_at, post.hidden_by = (timezone.now(), actor) if hide else (None, None)
    post.save(update_fields=["hidden_at", "hidden_by"])
    return post


def post_report(*, actor, post: Post, reason: str = "") -> PostReport:
    """A member tells the facilitator a post is not right; once per post."""
    policy.require(actor, "learning.add_post", post.cohort)
    if post.author_id == actor.pk:
        raise ValidationError(_("You cannot report your own message."))
    report, created = PostReport.objects.get_or_create(
        post=post, reporter=actor, defaults={"reason": reason.strip()[:300]}
    )
    if not created:
        raise ValidationError(_("You reported this message already."))
    return report


HELP_MESSAGE_MAX_LENGTH = 1000


@transaction.atomic
def help_offer(*, actor, enrolment: Enrolment, kind: str, message: str, path=None) -> HelpOffer:
    """The facilitator offers a member of their group extra material or a call."""
    if enrolment.cohort is None or not policy.can(
        actor, "learning.change_cohort", enrolment.cohort
    ):
        raise PermissionDenied
    message = message.strip()
    errors = {}
    if kind not in HelpOffer.Kind.values:
        errors["kind"] = [_("Choose what you offer.")]
    if not message:
        errors["message"] = [_("Write a few words to the member.")]
    elif len(message) > HELP_MESSAGE_MAX_LENGTH:
        errors["message"] = [_("Make the message shorter: at most 1000 characters.")]
    if path is not None and (
        kind != HelpOffer.Kind.MATERIAL
        or path.pk == enrolment.path_id
        or not path.versions.published().exists()
    ):
        errors["path"] = [_("Choose another published path, with extra material only.")]
    if errors:
        raise ValidationError(errors)
    offer = HelpOffer.objects.create(
        enrolment=enrolment, offered_by=actor, kind=kind, message=message, path=path
    )
    help_offered.send(sender=HelpOffer, offer=offer, actor=actor)
    return offer


def help_offer_answer(*, actor, offer: HelpOffer, yes: bool) -> HelpOffer:
    """The member says yes or no to an offer, once."""
    policy.require(actor, "learning.change_enrolment", offer.enrolment)
    updated = HelpOffer.objects.filter(pk=offer.pk, answer=HelpOffer.Answer.OPEN).update(
        answer=HelpOffer.Answer.YES if yes else HelpOffer.Answer.NO, answered_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("You answered this already."))
    offer.refresh_from_db()
    return offer


def help_offer_done(*, actor, offer: HelpOffer) -> HelpOffer:
    """The facilitator made the call the member wanted."""
    if not policy.can(actor, "learning.change_cohort", offer.enrolment.cohort):
        raise PermissionDenied
    if offer.done_at is None:
        offer.done_at = timezone.now()
        offer.save(update_fields=["done_at"])
    return offer


def module_opens_on(*, cohort: Cohort | None, module: Module):
    """The day a module opens for a group; for a learner alone, every module is open."""
    if cohort is None:
        return timezone.localdate()
    opening = ModuleOpening.objects.filter(cohort=cohort, module=module).first()
    return opening.opens_on if opening else cohort.starts_on

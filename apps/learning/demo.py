"""Demo learning paths, written by us in demo_paths/ in the path file format (money and
administration, stress, turning 18), imported and published by the demo team leader; the
demo resident follows the first one and is half way."""

from pathlib import Path

from apps.accounts.demo import DEMO_DOMAIN
from apps.accounts.models import Role, User
from apps.core.demo import DemoRun, demo_step
from apps.learning import services
from apps.learning.models import LearningPath, Step

DEMO_PATHS = sorted((Path(__file__).parent / "demo_paths").glob("*.yaml"))


@demo_step("learning_paths", after=("organisation", "accounts", "instruments"))
def _seed(run: DemoRun) -> int:
    editor = User.objects.filter(role=Role.TEAM_LEADER).order_by("pk").first()
    made = 0
    for demo_file in DEMO_PATHS:
        if LearningPath.objects.filter(slug=demo_file.stem).exists():
            continue
        version = services.path_import(actor=editor, content=demo_file.read_bytes())
        services.version_publish(actor=editor, version=version)
        made += 1
    resident = User.objects.filter(email=f"inwoner@{DEMO_DOMAIN}").first()
    first = LearningPath.objects.order_by("slug").first()
    if resident is not None and first is not None and not first.enrolments.exists():
        enrolment = services.enrol(actor=resident, path=first)
        steps = Step.objects.filter(module__version=enrolment.version).order_by(
            "module__position", "position"
        )
        for step in steps[:2]:
            if step.kind in (Step.Kind.READING, Step.Kind.VIDEO):
                services.step_complete(actor=resident, enrolment=enrolment, step=step)
    run.report.append(f"Learning paths: {len(DEMO_PATHS)} published.")
    return made

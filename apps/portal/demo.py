"""Demo journeys: at least one question per theme, answered in our own words
(demo_journeys.toml), published by the demo team leader. Their steps open the self-scans
and find services of the demo social map."""

import tomllib
from pathlib import Path

from django.utils import timezone

from apps.accounts.models import Role, User
from apps.core.demo import DemoRun, demo_step
from apps.organisation.models import Theme
from apps.portal.models import Journey, JourneyStep

DEMO_JOURNEYS = tomllib.loads(
    (Path(__file__).parent / "demo_journeys.toml").read_text(encoding="utf-8")
)["journey"]


@demo_step("journeys", after=("organisation", "accounts", "instruments"))
def _seed(run: DemoRun) -> int:
    themes = {theme.code: theme for theme in Theme.objects.all()}
    editor = User.objects.filter(role=Role.TEAM_LEADER).order_by("pk").first()
    now = timezone.now()
    made = 0
    for position, entry in enumerate(DEMO_JOURNEYS):
        journey, created = Journey.objects.update_or_create(
            slug=entry["slug"],
            defaults={
                "theme": themes[entry["theme"]],
                "question": entry["question"],
                "summary": entry["summary"],
                "introduction": entry.get("introduction", "").strip(),
                "position": position,
                "status": Journey.Status.PUBLISHED,
                "published_at": now,
                "updated_by": editor,
            },
        )
        journey.steps.all().delete()
        JourneyStep.objects.bulk_create(
            JourneyStep(
                journey=journey,
                position=number,
                kind=step["kind"],
                title=step["title"],
                body=step.get("body", "").strip(),
                instrument_code=step.get("instrument", ""),
                search_words=step.get("words", ""),
                link_url=step.get("url", ""),
                link_label=step.get("label", ""),
            )
            for number, step in enumerate(entry["step"], start=1)
        )
        made += created
    run.report.append(f"Journeys: {len(DEMO_JOURNEYS)} published, one or more per theme.")
    return made

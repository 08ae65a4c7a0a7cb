"""Demo data, asked of each app. `manage.py seed_demo` imports every installed app's `demo`
module (the way the admin finds `admin` modules); a module registers its steps with
`@demo_step`, naming the steps whose data it builds on. Core knows no feature app."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from graphlib import TopologicalSorter
from typing import Any

from django.utils.module_loading import autodiscover_modules


@dataclass
class DemoRun:
    size: str
    rng: random.Random
    faker: Any
    # What each step gave back, by step name, for the steps after it.
    made: dict[str, Any] = field(default_factory=dict)
    # Lines for the person who ran the command (such as the demo logins).
    report: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DemoStep:
    name: str
    seed: Callable[[DemoRun], Any]
    after: tuple[str, ...] = ()
    # Runs after every other step: for what sums up the others' data (the statistics),
    # including data of apps it cannot name.
    last: bool = False


_steps: dict[str, DemoStep] = {}


def demo_step(name: str, *, after: tuple[str, ...] = (), last: bool = False):
    def register(seed: Callable[[DemoRun], Any]):
        _steps[name] = DemoStep(name, seed, tuple(after), last)
        return seed

    return register


def demo_steps() -> list[DemoStep]:
    """Every registered step, each after the steps it names (registration order otherwise,
    so the same apps give the same data); the steps marked last after all others."""
    autodiscover_modules("demo")
    graph = TopologicalSorter({step.name: step.after for step in _steps.values()})
    unknown = {name for step in _steps.values() for name in step.after} - _steps.keys()
    if unknown:
        raise LookupError(f"Demo steps wait for steps nobody registered: {sorted(unknown)}")
    ordered = [_steps[name] for name in graph.static_order()]
    return [step for step in ordered if not step.last] + [step for step in ordered if step.last]

"""The load: every simulated user requests the targets in turn, as fast as answers come.

Started by benchmarks/run.py, which writes the plan (the targets with their paths and the
cookies of the logged-in session each is measured with) and passes its file name in
BENCHMARK_PLAN. Each target's requests are named after the target, so locust's stats
have one row per target. The server's CPU time per request (its Server-Timing header) is
collected per target and written to BENCHMARK_CPU_FILE when the run ends.
"""

import itertools
import json
import os
import random
from collections import defaultdict
from pathlib import Path

from locust import FastHttpUser, constant, events, task

from benchmarks.stats import server_cpu_ms

PLAN = json.loads(Path(os.environ["BENCHMARK_PLAN"]).read_text(encoding="utf-8"))
# Each target with the cookie header of the account it is measured as.
TARGETS = [
    (
        target["name"],
        target["path"],
        "; ".join(f"{name}={value}" for name, value in target["cookies"].items()),
    )
    for target in PLAN["targets"]
]
SERVER_CPU: dict[str, list[float]] = defaultdict(list)


class BenchmarkUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        # Each user starts at another target, so the mix is even at every moment.
        start = random.randrange(len(TARGETS))  # noqa: S311 (not for security)
        self.targets = itertools.islice(itertools.cycle(TARGETS), start, None)

    @task
    def request_next_target(self):
        name, path, cookie_header = next(self.targets)
        with self.client.get(
            path,
            name=name,
            headers={"Cookie": cookie_header},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # A redirect is an error too: to the login page it means the session was lost.
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return
            cpu = server_cpu_ms(response.headers.get("Server-Timing") or "")
            if cpu is not None:
                SERVER_CPU[name].append(cpu)


@events.test_stop.add_listener
def write_server_cpu(**kwargs):
    Path(os.environ["BENCHMARK_CPU_FILE"]).write_text(json.dumps(SERVER_CPU), encoding="utf-8")

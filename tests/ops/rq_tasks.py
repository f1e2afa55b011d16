"""A task for tests/ops/test_workers.py: a slow effect with an idempotency key, run by a real RQ worker."""

from __future__ import annotations

import time
from pathlib import Path

from django_tasks import task


@task()
def slow_effect(folder: str, key: str) -> str:
    """Note each attempt; the first one dawdles (to be killed); the effect is written once per key."""
    root = Path(folder)
    attempts = root / "attempts"
    first = not attempts.exists()
    with attempts.open("a") as f:
        f.write("attempt\n")
    if first:
        time.sleep(60)  # the test kills the worker here
    effects = root / "effects"
    done = effects.read_text().split() if effects.exists() else []
    if key not in done:
        with effects.open("a") as f:
            f.write(key + "\n")
    return "done"

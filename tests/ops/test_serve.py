"""``govportal serve``: gunicorn (with the shipped config), the job worker and the periodic jobs, with DEBUG
off whatever the environment; no HTTP server of our own. (Replaces tests/publishing/test_serve_jobs.py.)"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from govportal.ops.management.commands import serve

ROOT = Path(__file__).resolve().parents[2]


class FakeProcess:
    started: list[tuple[list[str], dict]] = []

    def __init__(self, args, env=None, **kwargs):
        FakeProcess.started.append((list(args), dict(env or {})))
        self.args, self.returncode = args, 0

    def poll(self):
        return 0  # every child "exits" at once, so serve stops after its first look

    def terminate(self):
        pass

    def wait(self, timeout=None):
        return 0

    def kill(self):
        pass


@pytest.fixture
def spawned(monkeypatch):
    FakeProcess.started = []
    monkeypatch.setattr(serve.subprocess, "Popen", FakeProcess)
    monkeypatch.setattr(serve.signal, "signal", lambda *a: None)  # keep pytest's own Ctrl-C handler
    monkeypatch.setattr(serve, "call_command", lambda *a, **k: None)  # no collectstatic here
    return FakeProcess.started


def kinds(started) -> list[str]:
    """What each child runs: "gunicorn", "db_worker", "publish_worker" or "jobs"."""
    return [a[2] if a[1:3] == ["-m", "gunicorn"] else a[3] for a, _ in started]


def test_serve_starts_gunicorn_the_worker_and_the_jobs(spawned):
    call_command("serve", "--host", "127.0.0.1", "--port", str(_free()))
    assert kinds(spawned) == ["gunicorn", "db_worker", "publish_worker", "jobs"]
    args, env = spawned[0]
    assert args[args.index("--config") + 1] == "python:govportal.ops.gunicorn_conf"
    assert "govportal.wsgi:application" in args
    assert env["GOVPORTAL_SERVE"] == "1" and "GOVPORTAL_DEMO_DEBUG" not in env


@pytest.mark.parametrize(
    "flag,expected",
    [("--no-jobs", ["gunicorn", "db_worker", "publish_worker"]), ("--no-worker", ["gunicorn"])],
)
def test_serve_can_leave_the_job_runner_out(spawned, flag, expected):
    call_command("serve", "--host", "127.0.0.1", "--port", str(_free()), flag)
    assert kinds(spawned) == expected


def test_serve_refuses_a_port_already_in_use_before_starting_anything(spawned):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen(1)
        port = other.getsockname()[1]
        with pytest.raises(CommandError, match="已被占用"):
            call_command("serve", "--host", "127.0.0.1", "--port", str(port))
    assert spawned == []


def test_debug_only_for_a_demo_on_a_loopback_address(spawned):
    with pytest.raises(CommandError, match="调试模式.*0.0.0.0"):
        call_command("serve", "--host", "0.0.0.0", "--port", str(_free()), "--debug")
    assert spawned == []
    call_command("serve", "--host", "127.0.0.1", "--port", str(_free()), "--debug")
    assert spawned[0][1]["GOVPORTAL_DEMO_DEBUG"] == "1"


def _debug_in(env_extra: dict, argv: str = "") -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("GOVPORTAL_SERVE", "GOVPORTAL_DEMO_DEBUG")}
    env.update(env_extra)
    code = f"import sys; sys.argv = {argv.split() or ['x']!r}; from govportal import settings; print(settings.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_serve_is_production_whatever_the_environment():
    """A request without Host once showed Django's debug page with every setting: never under serve."""
    assert _debug_in({"DEBUG": "1"}) == "True"  # a development shell may have it
    assert _debug_in({"DEBUG": "1", "GOVPORTAL_SERVE": "1"}) == "False"  # gunicorn workers of serve
    assert _debug_in({"DEBUG": "1"}, "govportal serve") == "False"
    assert _debug_in({"DEBUG": "1"}, "/usr/bin/gunicorn govportal.wsgi") == "False"
    assert _debug_in({"DEBUG": "1", "GOVPORTAL_SERVE": "1", "GOVPORTAL_DEMO_DEBUG": "1"}) == "True"


def test_the_home_made_front_is_gone():
    assert not (ROOT / "govportal" / "portal" / "management" / "commands" / "serve.py").exists()
    source = (ROOT / "govportal" / "ops" / "management" / "commands" / "serve.py").read_text()
    for name in ("FrontState", "FrontProtocol", "Proxy", "parse_head", "asyncio", "os.fork"):
        assert name not in source, name


def test_jobs_lists_every_periodic_job(db):
    from io import StringIO

    from govportal.publishing.schedule import JOBS

    out = StringIO()
    call_command("jobs", "--list", stdout=out)
    for job in JOBS:
        assert job.name in out.getvalue()
    assert "publish_rebuilds" in out.getvalue()


def _free() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

"""``govportal serve`` also starts the periodic job runner (scheduled publication, reminders, deadline
warnings), unless told not to: a web team running only ``serve`` still gets its scheduled publications."""

from __future__ import annotations

import socket

import pytest
from django.core.management import CommandError, call_command

from govportal.portal.management.commands import serve


class FakeProcess:
    started: list[list[str]] = []

    def __init__(self, args, env=None, **kwargs):
        FakeProcess.started.append(list(args))
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
def spawned(monkeypatch, tmp_path, settings):
    FakeProcess.started = []
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(serve.subprocess, "Popen", FakeProcess)
    monkeypatch.setattr(serve.signal, "signal", lambda *a: None)  # keep pytest's own Ctrl-C handler
    monkeypatch.setattr(serve, "call_command", lambda *a, **k: None)  # no collectstatic here
    return FakeProcess.started


def commands(started) -> list[str]:
    """What each child runs: "jobs", "db_worker" (``python -m govportal.cli X``) or "gunicorn"."""
    return [a[3] if a[1:3] == ["-m", "govportal.cli"] else a[2] for a in started]


def test_serve_starts_the_job_runner(spawned):
    call_command("serve", "--no-front", "--port", "18999")
    assert "jobs" in commands(spawned)


@pytest.mark.parametrize("flag", ["--no-jobs", "--no-worker"])
def test_serve_can_leave_the_job_runner_out(spawned, flag):
    call_command("serve", "--no-front", "--port", "18999", flag)
    assert "jobs" not in commands(spawned) and "gunicorn" in commands(spawned)


def test_serve_refuses_a_port_already_in_use_before_starting_anything(spawned):
    """Front processes share the port (SO_REUSEPORT) with each other, never with another program."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen(1)
        port = other.getsockname()[1]
        with pytest.raises(CommandError, match="已被占用"):
            call_command("serve", "--host", "127.0.0.1", "--port", str(port))
    assert spawned == []

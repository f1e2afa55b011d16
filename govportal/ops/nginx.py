"""The nginx front shipped in ``deploy/nginx/``, filled in for a deployment (``govportal nginx-config``) or a
test/benchmark run on 127.0.0.1 (``render(..., test=True)``, started with ``start_test_nginx``)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from govportal.security.headers import nginx_include

DEPLOY = Path(settings.BASE_DIR) / "deploy" / "nginx"
NGINX = os.environ.get("GOVPORTAL_NGINX", shutil.which("nginx") or "/usr/sbin/nginx")
INCLUDED = ("govportal-main.conf", "govportal-http.conf", "govportal-server.conf", "govportal-proxy.conf")


def fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace(f"@{key}@", str(value))
    left = re.findall(r"@[A-Z_]+@", text)
    if left:
        raise ValueError(f"nginx 配置模板中有未填写的占位符：{left[:3]}")
    return text


def render(
    out: Path,
    *,
    app: str | Sequence[str],
    server_names: list[str],
    test: bool = False,
    port: int | None = None,
    workers: int = 1,
    cache_dir: Path | None = None,
) -> Path:
    """Write the config into ``out``; returns the main file (``govportal.conf``, or ``nginx.conf`` for a test).

    ``app`` is the address of the app (gunicorn), or several (app nodes): one ``server`` line each in the
    upstream, which nginx uses in turn and skips while one does not answer (``proxy_next_upstream``)."""

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    given = [app] if isinstance(app, str) else list(app)
    apps = [a.strip() for item in given for a in item.split(",") if a.strip()]
    if not apps or any(not re.fullmatch(r"[\w.:\[\]-]+", a) for a in apps):
        raise ValueError(f"应用地址应为“主机:端口”，多个地址用逗号分隔：{app!r}")
    values = {
        "APP": ", ".join(apps),
        "UPSTREAM": "\n".join(f"    server {a};" for a in apps),
        "SERVER_NAMES": " ".join(server_names) or "localhost",
        "PUBLISH_ROOT": Path(
            getattr(settings, "PUBLISH_ROOT", Path(settings.DATA_DIR) / "publish")
        ).resolve(),
        "STATIC_ROOT": Path(settings.STATIC_ROOT).resolve(),
        "MEDIA_ROOT": Path(settings.MEDIA_ROOT).resolve(),
        "CACHE_DIR": cache_dir or (out / "cache" if test else Path(settings.DATA_DIR) / "nginx-cache"),
        "CONF_DIR": out.resolve(),
        "PREFIX": out.resolve(),
        "PORT": port or 8080,
        "WORKERS": workers,
        # Started by root (CI), nginx's workers would run as nobody and not read the test's files.
        "USER": "user root root;" if test and hasattr(os, "geteuid") and os.geteuid() == 0 else "",
    }
    for name in INCLUDED:
        (out / name).write_text(fill((DEPLOY / name).read_text(), values))
    (out / "security-headers.conf").write_text(nginx_include())
    main = out / ("nginx.conf" if test else "govportal.conf")
    main.write_text(fill((DEPLOY / ("test.conf" if test else "govportal.conf")).read_text(), values))
    if test:
        for sub in ("tmp", "cache"):
            (out / sub).mkdir(exist_ok=True)
    return main


def site_names() -> list[str]:
    from wagtail.models import Site

    return sorted({s.hostname.lower() for s in Site.objects.all()})


@dataclass
class TestNginx:
    port: int
    prefix: Path
    process: subprocess.Popen

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def error_log(self) -> str:
        try:
            return (self.prefix / "error.log").read_text()
        except FileNotFoundError:
            return ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_test_nginx(
    prefix: Path, *, app: str | Sequence[str], server_names: list[str], port: int | None = None, workers=1
):
    """Debian's nginx on 127.0.0.1 with the shipped config rendered into ``prefix`` (no root needed)."""
    port = port or free_port()
    conf = render(prefix, app=app, server_names=server_names, test=True, port=port, workers=workers)
    check = subprocess.run([NGINX, "-t", "-p", str(prefix), "-c", str(conf)], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"nginx -t 失败：{check.stderr}")
    proc = subprocess.Popen(
        [NGINX, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return TestNginx(port, Path(prefix), proc)
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"nginx 未能启动：{proc.stderr.read().decode()}") from None
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("nginx 未能在 5 秒内开始监听")

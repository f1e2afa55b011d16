"""Wagtail's document view hands the file to nginx (``X-Accel-Redirect``) once it has checked the document's
collection privacy: nginx sends it (``location /_protected/documents/`` in deploy/nginx/, ``internal``).
Used when ``GOVPORTAL_X_ACCEL=1`` (set by the nginx deployment's systemd unit)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse


def sendfile(request, filename, **kwargs):
    path = Path(filename).resolve()
    root = Path(settings.MEDIA_ROOT).resolve()
    response = HttpResponse()
    rel = path.relative_to(root).as_posix()  # ValueError outside MEDIA_ROOT: never handed to nginx
    response["X-Accel-Redirect"] = "/_protected/" + quote(rel)
    return response

"""Uploaded media as Django serves them (/media/…): safe types, never a private document.

Replaces ``django.conf.urls.static.static()`` (which served every file under MEDIA_ROOT, private
collections' documents included, and only with DEBUG on). Rules:

- the path is normalised first — ``/media//documents/x`` and ``/media/documents/./x`` are the same file as
  ``/media/documents/x`` and get the same answer; ``..``, NUL and anything resolving outside MEDIA_ROOT: 404;
- ``documents/…``: the file must belong to a Wagtail document; one of a collection with a view restriction
  (login, groups, password) is never served here — the visitor is sent to Wagtail's document view
  (``/documents/<id>/<name>``), which checks the restriction;
- the Content-Type is the file's, except that types a browser would run (HTML, SVG, XML, JavaScript) are
  sent as ``application/octet-stream``; always ``X-Content-Type-Options: nosniff`` and a CSP of
  ``default-src 'none'; sandbox``; documents with ``Content-Disposition: attachment``.

In production nginx serves /media/ itself and must hand ``/media/documents/`` to the application
(deploy/), so that the same check runs there.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponseNotModified, HttpResponseRedirect
from django.utils.http import http_date
from django.views.static import was_modified_since

UNSAFE_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
    "text/xml",
    "application/xml",
    "text/javascript",
    "application/javascript",
    "application/x-javascript",
    "application/ecmascript",
)
MEDIA_CSP = "default-src 'none'; sandbox"


def normalise(path: str) -> str | None:
    """The relative path inside MEDIA_ROOT, or None when the path is not acceptable."""
    parts = [p for p in (path or "").replace("\\", "/").split("/") if p]
    if not parts or any(p in (".", "..") or "\x00" in p for p in parts):
        return None
    return "/".join(parts)


def private_document(rel: str):
    """The Wagtail document stored at ``rel`` when its collection is restricted; raises Http404 when no
    document is stored there (a stray file in documents/ is not served)."""
    from wagtail.documents import get_document_model

    document = get_document_model().objects.filter(file=rel).select_related("collection").first()
    if document is None:
        raise Http404("没有这个文件")
    if document.collection.get_view_restrictions().exists():
        return document
    return None


def safe_content_type(name: str) -> str:
    content_type, encoding = mimetypes.guess_type(name)
    if encoding or not content_type or content_type in UNSAFE_TYPES:
        return "application/octet-stream"
    return content_type


def serve_media(request, path: str):
    rel = normalise(path)
    if rel is None:
        raise Http404("没有这个文件")
    is_document = rel.startswith("documents/")
    if is_document:
        document = private_document(rel)
        if document is not None:
            return HttpResponseRedirect(document.url)
    root = Path(settings.MEDIA_ROOT).resolve()
    full = (root / rel).resolve()
    if root not in full.parents or not full.is_file():
        raise Http404("没有这个文件")
    stat = full.stat()
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), stat.st_mtime):
        response = HttpResponseNotModified()
    else:
        response = FileResponse(full.open("rb"), content_type=safe_content_type(full.name))
        response["Last-Modified"] = http_date(stat.st_mtime)
        response["Content-Length"] = str(stat.st_size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    if is_document:
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(full.name)}"
        response["Cache-Control"] = "private, no-cache"
    return response

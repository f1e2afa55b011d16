"""Believable demo content for every kind of item (idempotent: running it again adds nothing).

The content is data beside the profile, ``govportal/profiles/<code>/demo/*.toml`` (read and checked by
``demo_data``; the README there describes the files). Here the pages are created; pictures are drawn and
forms generated as xlsx (no download) from what the files say they show.
"""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone
from openpyxl import Workbook
from PIL import Image, ImageDraw
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Site

from .columns import main_columns, with_paths
from .demo_data import DemoData, Make
from .models import HomePage, PolicyDocumentPage, PortalSettings, Validity


def _column(home: HomePage, *path: str):
    for p, page in with_paths(home, main_columns(home)):
        if p == path:
            return page
    return None


# --- pictures and files made here ------------------------------------------------------------------


def _picture(width: int, height: int, colours, shapes: str = "hills") -> bytes:
    img = Image.new("RGB", (width, height), colours[0])
    draw = ImageDraw.Draw(img)
    top, bottom = (Image.new("RGB", (1, 1), c).getpixel((0, 0)) for c in colours)
    for y in range(height):
        t = y / max(height - 1, 1)
        fill = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=fill)
    w, h = width, height
    if shapes == "hills":
        draw.ellipse([-w // 4, h * 2 // 3, w * 3 // 4, h * 5 // 3], fill="#2e7d32")
        draw.ellipse([w // 3, h * 3 // 4, w * 3 // 2, h * 2], fill="#1b5e20")
        draw.ellipse([w * 3 // 4, h // 8, w * 3 // 4 + h // 5, h // 8 + h // 5], fill="#ffd54f")
    elif shapes == "portrait":
        draw.ellipse([w * 3 // 10, h // 6, w * 7 // 10, h // 2], fill="#e0c2a2")
        draw.ellipse([w // 8, h * 9 // 16, w * 7 // 8, h * 3 // 2], fill="#263238")
    elif shapes == "hall":
        draw.rectangle([w // 10, h // 3, w * 9 // 10, h * 5 // 6], fill="#f5f5f5")
        for i in range(6):
            x = w // 10 + i * w * 8 // 60 + w // 40
            draw.rectangle([x, h // 2, x + w // 20, h * 5 // 6], fill="#90a4ae")
        draw.polygon([(w // 20, h // 3), (w // 2, h // 10), (w * 19 // 20, h // 3)], fill="#c62828")
    elif shapes == "banner":
        for i in range(8):
            draw.ellipse([i * w // 8, h // 3, i * w // 8 + h, h * 4 // 3], outline="#ffffff", width=3)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _image(spec: dict):
    model = get_image_model()
    title = spec["title"]
    if existing := model.objects.filter(title=title).first():
        return existing
    name = f"demo-{sum(title.encode()) % 10**6:06d}.png"
    image = model(
        title=title,
        file=ImageFile(io.BytesIO(_picture(*spec["size"], spec["colours"], spec["shape"])), name=name),
    )
    image.save()
    return image


def _xlsx(rows: list, sheet: str = "") -> bytes:
    """A workbook of ``rows``; with ``sheet``, the sheet is named so and its first row is that title."""
    wb = Workbook()
    if sheet:
        wb.active.title = sheet[:31]
        rows = [[sheet], *rows]
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _document(spec: dict):
    model = get_document_model()
    if existing := model.objects.filter(title=spec["title"]).first():
        return existing
    doc = model(title=spec["title"])
    doc.file.save(spec["filename"], ContentFile(_xlsx(spec["rows"], spec["sheet"])), save=False)
    doc.save()
    return doc


def _made(value):
    """``value`` with every ``Make`` in it made (or found, when the demo ran before)."""
    if isinstance(value, Make):
        thing = (_image if value.kind == "picture" else _document)(value.spec)
        return thing.pk if value.pk else thing
    if isinstance(value, list):
        return [_made(v) for v in value]
    return {k: _made(v) for k, v in value.items()} if isinstance(value, dict) else value


# --- adding pages ---------------------------------------------------------------------------------


def add_demo_items(home: HomePage) -> int:
    data = DemoData(home)  # every file read and checked before anything is written
    _settings(home, data.settings)
    now, created, by_number = timezone.now(), [], {}

    def add(parent, model, title, days_ago, fields):
        if parent is None:
            return None
        if existing := model.objects.child_of(parent).filter(title=title).first():
            return existing
        fields = _made(fields)
        if "policy" in fields:
            fields["policy"] = by_number.get(fields["policy"])
        related = [by_number[n] for n in fields.pop("related_policies", []) if n in by_number]
        page = model(title=title, date=now - timedelta(days=days_ago), **fields)
        if related:
            page.related_policies.set(related)
        parent.add_child(instance=page)
        page.save_revision().publish()
        created.append(page)
        return page

    for parent, model, title, days_ago, fields, children in data.pages:
        if "changed_by" in fields:  # created in force; marked 废止/修改 below, once the later document exists
            fields = {k: v for k, v in fields.items() if k not in ("validity", "validity_date", "changed_by")}
        page = add(parent, model, title, days_ago, fields)
        if isinstance(page, PolicyDocumentPage) and page.document_number:
            by_number[page.document_number] = page
        for child in children:
            add(page, *child[1:5])
    for _, _, _, _, fields, _ in data.pages:
        old, new = by_number.get(fields.get("document_number")), by_number.get(fields.get("changed_by"))
        if old and new and old.validity == Validity.VALID:
            old.validity, old.validity_date, old.validity_changed_by = (
                fields["validity"],
                fields["validity_date"],
                new,
            )
            old.save_revision().publish()
    return len(created)


def _settings(home, values: dict):
    """The site's settings the data file gives, where the site has none yet."""
    site = Site.objects.filter(root_page=home).first()
    if site is None:
        return
    s = PortalSettings.for_site(site)
    empty = {name: value for name, value in values.items() if not getattr(s, name)}
    for name, value in empty.items():
        setattr(s, name, value)
    if empty:
        s.save()

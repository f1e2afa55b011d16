"""Moving one site between platforms: ``govportal site-export`` and ``govportal site-import``.

A county's portal moved onto the province's platform (or back, or into a test platform) travels as one
zip archive:

- ``manifest.json`` — format version (:data:`FORMAT`), platform version, source host name, locality,
  counts, and the size and SHA-256 of every other member;
- ``site.json`` — the site (host name, port, name), its locality (profile code) and its footer settings
  (``PortalSettings``, Django's serializer);
- ``units.json`` — the locality's units (Django's serializer; parents by the archive's ids);
- ``pages.json`` — the page tree below the site's home, in tree order: for each page its model, its path
  relative to the home and its content as Wagtail's revisions store it (``serializable_data``: the page
  row — what the public sees — with its clusters and parental many-to-many relations), plus the latest
  revision's content when it has unpublished changes. Earlier revisions, the review history, comments
  and workflow states are not exported;
- ``images.json``, ``documents.json`` — the images and documents the pages use (as a field, in a stream
  block or in rich text), Django's serializer; their files under ``files/`` read through Django's storage
  API (the local disk or S3 alike);
- ``redirects.json`` — the site's redirects;
- ``staff.json`` (only with ``--with-staff``) — user name, name, unit and roles of the site's staff;
- ``profile/profile.toml``, ``profile/columns.tsv`` — the locality's policy profile, so a platform that
  does not ship it (or a copy under a new code) can run the site's rules.

Not exported, by design: letters, error reports, disclosure requests, survey answers, consultation
comments, interview questions, visit sign-ups (personal data of citizens); passwords, two-factor secrets
and security logs of staff; API tokens (secrets of another platform); assessments and registers
(records of the source platform's administration).

``govportal site-import FILE [--hostname NEW] [--locality CODE] [--dry-run]`` checks the whole archive
before writing anything — member names (no absolute paths, ``..``, back-slashes or symbolic links), sizes
(:data:`MAX_MEMBER_BYTES`, :data:`MAX_ARCHIVE_BYTES`, compression ratio), the format version and every
checksum — then, in one transaction, creates the site under the platform's root: units, pages (paths
remapped under the new home, ids of units, pages, images and documents remapped everywhere, rich text
passed through the editor's own converter, so what the back office could not have stored is dropped),
images and documents (each file judged by content as an upload, ``govportal/security/uploads.py``),
redirects, staff (a random initial password shown once, changed at first login). Published items keep
their state and dates. Any refusal is a Chinese message and nothing is written (files stored before the
refusal are deleted again).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import stat
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks as wagtail_blocks
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Locale, Page, Revision, Site
from wagtail.rich_text import features as feature_registry

from govportal.accounts.models import Staff, Unit
from govportal.accounts.passwords import require_change
from govportal.accounts.permissions import set_page_units
from govportal.portal.columns import refresh_role_groups
from govportal.portal.models import ColumnPage, HomePage, PortalSettings, SubsiteHomePage
from govportal.portal.signals import profile_applied
from govportal.rules.profile import (
    COLUMNS_FILE,
    PROFILE_FILE,
    ProfileError,
    installed_profiles_dir,
    load_profile,
    profile_dir,
)
from govportal.security.uploads import UploadRefused, check_upload, document_kind, kind

FORMAT = 1
MANIFEST = "manifest.json"
RULE = "站点迁移规则"
MAX_MEMBER_BYTES = 600 * 1024 * 1024  # the largest upload the platform takes is a 500 MB video
MAX_ARCHIVE_BYTES = 20 * 1024 * 1024 * 1024
MAX_MEMBERS = 200_000
MAX_RATIO = 200  # uncompressed / compressed, above which a member is taken for a zip bomb
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")
_TAG = re.compile(r"<(a|embed)\b([^>]*)>", re.I)
_ATTR = re.compile(r'\b(linktype|embedtype|id)="([^"]*)"')
# Page fields that belong to the source platform's history, not to the content.
_PAGE_RESET = {
    "pk", "id", "path", "depth", "content_type", "translation_key", "locale", "latest_revision",
    "live_revision", "locked", "locked_at", "locked_by", "owner", "alias_of", "wagtail_admin_comments",
}  # fmt: skip


class TransferError(Exception):
    """A Chinese message for the operator; nothing was written."""


@dataclass
class Summary:
    path: Path
    site: Site | None = None
    counts: dict = field(default_factory=dict)
    passwords: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)


def platform_version() -> str:
    try:
        return version("govportal")
    except PackageNotFoundError:
        return "unknown"


def find_site(ref: str) -> Site:
    ref = str(ref).strip()
    site = Site.objects.filter(pk=int(ref)).first() if ref.isdigit() else None
    site = site or Site.objects.filter(hostname__iexact=ref).first()
    if site is None:
        known = "、".join(f"{s.hostname}（{s.pk}）" for s in Site.objects.order_by("pk"))
        raise TransferError(f"没有域名或编号为 {ref} 的站点；已有站点：{known or '无'}")
    return site


# --- references: which units, pages, images and documents a value names ---------------------------------


class Refs:
    """Old id → new id of each kind; ``None`` in a map: dropped."""

    def __init__(self):
        self.unit: dict[int, int] = {}
        self.page: dict[int, int] = {}
        self.image: dict[int, int] = {}
        self.document: dict[int, int] = {}
        self.user: dict[int, int] = {}

    def kind_of(self, model) -> str | None:
        if model is None:
            return None
        if issubclass(model, Unit):
            return "unit"
        if issubclass(model, Page):
            return "page"
        if issubclass(model, get_image_model()):
            return "image"
        if issubclass(model, get_document_model()):
            return "document"
        if issubclass(model, get_user_model()):
            return "user"
        return None

    def map(self, what: str, old):
        if old in (None, ""):
            return None
        try:
            return getattr(self, what).get(int(old))
        except (TypeError, ValueError):
            return None


def _rich_text_ids(html: str, found: dict[str, set]) -> None:
    for _tag, attrs in _TAG.findall(html or ""):
        a = dict(_ATTR.findall(attrs))
        what = {"page": "page", "document": "document", "image": "image"}.get(
            a.get("linktype") or a.get("embedtype") or ""
        )
        if what and a.get("id", "").isdigit():
            found[what].add(int(a["id"]))


def _remap_rich_text(html: str, refs: Refs, converter) -> str:
    def swap(m):
        tag, attrs = m.group(1), m.group(2)
        a = dict(_ATTR.findall(attrs))
        what = {"page": "page", "document": "document", "image": "image"}.get(
            a.get("linktype") or a.get("embedtype") or ""
        )
        if not what or "id" not in a:
            return m.group(0)
        new = refs.map(what, a["id"])
        if new is None:
            return "" if tag.lower() == "embed" else "<a>"
        old_attr, new_attr = 'id="' + a["id"] + '"', 'id="' + str(new) + '"'
        return "<" + tag + attrs.replace(old_attr, new_attr, 1) + ">"

    html = _TAG.sub(swap, html or "")
    if converter is None or not html.strip():
        return html
    # The editor's own rules: what the back office could not have stored (scripts, event handlers,
    # unknown tags and attributes) does not survive the round trip through its content state.
    return converter.to_database_format(converter.from_database_format(html))


def _walk_block(block, value, visit):
    """``value`` (raw stream data of ``block``) with ``visit(block, value)`` applied to the leaves."""
    if isinstance(block, wagtail_blocks.StreamBlock):
        out = []
        for child in value or []:
            if not isinstance(child, dict) or child.get("type") not in block.child_blocks:
                continue
            child = dict(child)
            child["value"] = _walk_block(block.child_blocks[child["type"]], child.get("value"), visit)
            out.append(child)
        return out
    if isinstance(block, wagtail_blocks.StructBlock):
        if not isinstance(value, dict):
            return value
        return {
            k: (_walk_block(block.child_blocks[k], v, visit) if k in block.child_blocks else v)
            for k, v in value.items()
        }
    if isinstance(block, wagtail_blocks.ListBlock):
        out = []
        for item in value or []:
            if isinstance(item, dict) and "value" in item and item.get("type") == "item":
                item = dict(item)
                item["value"] = _walk_block(block.child_block, item["value"], visit)
                out.append(item)
            else:
                out.append(_walk_block(block.child_block, item, visit))
        return out
    return visit(block, value)


def _leaf_kind(block) -> str | None:
    if isinstance(block, ImageChooserBlock):
        return "image"
    if isinstance(block, DocumentChooserBlock):
        return "document"
    if isinstance(block, wagtail_blocks.PageChooserBlock):
        return "page"
    return None


def _stream_raw(value):
    if isinstance(value, str):
        try:
            return json.loads(value or "[]")
        except ValueError:
            return []
    return value or []


def _converter(field_or_block):
    features = getattr(field_or_block, "features", None) or feature_registry.get_default_features()
    return ContentstateConverter(features)


def page_references(page_model, data: dict) -> dict[str, set]:
    """Ids of units, pages, images and documents a page's serialised ``data`` names."""
    refs = Refs()
    found: dict[str, set] = {"unit": set(), "page": set(), "image": set(), "document": set()}
    for f in page_model._meta.get_fields():
        name = getattr(f, "name", None)
        if name not in data or name in _PAGE_RESET:
            continue
        value = data[name]
        if isinstance(f, RichTextField):
            _rich_text_ids(value, found)
        elif isinstance(f, StreamField):

            def visit(block, v):
                what = _leaf_kind(block)
                if what and str(v).isdigit():
                    found[what].add(int(v))
                elif isinstance(block, wagtail_blocks.RichTextBlock) and isinstance(v, str):
                    _rich_text_ids(v, found)
                return v

            _walk_block(f.stream_block, _stream_raw(value), visit)
        elif isinstance(f, (models.ForeignKey, ParentalManyToManyField, models.ManyToManyField)):
            what = refs.kind_of(f.related_model)
            if what in found:
                for v in value if isinstance(value, list) else [value]:
                    if str(v).isdigit():
                        found[what].add(int(v))
    return found


def remap_page_data(page_model, data: dict, refs: Refs, *, pages_known: bool) -> dict:
    """The page's data with every id replaced by the target's; rich text passed through the editor's
    converter. With ``pages_known`` False, references to pages are left out (set in a second pass)."""
    out = {k: v for k, v in data.items() if k not in _PAGE_RESET}
    for f in page_model._meta.get_fields():
        name = getattr(f, "name", None)
        if name not in out:
            continue
        value = out[name]
        if isinstance(f, RichTextField):
            out[name] = _remap_rich_text(value, refs, _converter(f)) if pages_known else ""
        elif isinstance(f, StreamField):
            if not pages_known:
                out[name] = "[]"
                continue

            def visit(block, v):
                what = _leaf_kind(block)
                if what:
                    return refs.map(what, v)
                if isinstance(block, wagtail_blocks.RichTextBlock) and isinstance(v, str):
                    return _remap_rich_text(v, refs, _converter(block))
                return v

            out[name] = json.dumps(_walk_block(f.stream_block, _stream_raw(value), visit), ensure_ascii=False)
        elif isinstance(f, (models.ForeignKey, models.OneToOneField)) and not f.remote_field.parent_link:
            what = refs.kind_of(f.related_model)
            if what == "page" and not pages_known:
                out[name] = None
            elif what:
                out[name] = refs.map(what, value)
        elif isinstance(f, ParentalManyToManyField):
            what = refs.kind_of(f.related_model)
            if what == "page" and not pages_known:
                out[name] = []
            elif what:
                out[name] = [n for n in (refs.map(what, v) for v in value or []) if n is not None]
    for f in page_model._meta.concrete_fields:  # the pointers of multi-table inheritance
        if f.primary_key or (f.remote_field and f.remote_field.parent_link):
            out.pop(f.name, None)
            out.pop(f.attname, None)
    out["pk"] = None
    return out


# --- export -----------------------------------------------------------------------------------------------


def _serialize(objects, fields=None) -> list[dict]:
    return serializers.serialize("python", objects, fields=fields)


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (it cuts them to milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


def _dump(obj) -> bytes:
    return json.dumps(obj, cls=_Encoder, ensure_ascii=False, indent=1).encode("utf-8")


def _safe_file_name(name: str) -> str:
    base = PurePosixPath(name.replace("\\", "/")).name
    return re.sub(r"[^\w.\-]", "_", base)[-120:] or "file"


def export_site(site_ref, out, *, with_staff: bool = False) -> Summary:
    site = find_site(site_ref)
    home = site.root_page.specific
    if not isinstance(home, HomePage):
        raise TransferError(f"站点 {site.hostname} 的根页面不是网站首页（HomePage），无法按站点导出")
    locality = home.locality
    members: dict[str, bytes] = {}

    pages = list(home.get_descendants(inclusive=True).specific().order_by("path"))
    page_ids = {p.pk for p in pages}
    used: dict[str, set] = {"unit": set(), "page": set(), "image": set(), "document": set()}
    page_records = []
    for page in pages:
        data = page.serializable_data()
        draft = None
        if page.has_unpublished_changes and page.latest_revision_id and page.live:
            draft = page.latest_revision.content
        for content in (data, draft):
            if content:
                for what, ids in page_references(type(page), content).items():
                    used[what] |= ids
        page_records.append(
            {
                "model": page._meta.label_lower,
                "path": page.path[len(home.path) :],
                "data": data,
                "draft": draft,
            }
        )
    members["pages.json"] = _dump(page_records)

    units = list(Unit.objects.filter(locality=locality).order_by("pk")) if locality else []
    unit_ids = {u.pk for u in units}
    extra_units = used["unit"] - unit_ids
    if extra_units:  # units of another locality named by an item (co-publisher): exported too
        units += list(Unit.objects.filter(pk__in=extra_units))
    members["units.json"] = _dump(_serialize(units))

    Image, Document = get_image_model(), get_document_model()
    files: dict[str, str] = {}

    def with_files(objects, folder):
        records = _serialize(objects, fields=[f.name for f in type(objects[0])._meta.concrete_fields
                                              if f.name not in ("collection", "uploaded_by_user", "file")]
                             ) if objects else []  # fmt: skip
        for record, obj in zip(records, objects, strict=True):
            arc = f"files/{folder}/{obj.pk}-{_safe_file_name(obj.file.name)}"
            with obj.file.storage.open(obj.file.name, "rb") as f:
                members[arc] = f.read()
            record["file"] = arc
            record["file_name"] = PurePosixPath(obj.file.name).name
            files[arc] = obj.file.name
        return records

    images = list(Image.objects.filter(pk__in=used["image"]).order_by("pk"))
    documents = list(Document.objects.filter(pk__in=used["document"]).order_by("pk"))
    members["images.json"] = _dump(with_files(images, "images"))
    members["documents.json"] = _dump(with_files(documents, "documents"))

    redirects = list(
        Redirect.objects.filter(
            models.Q(site=site) | models.Q(site__isnull=True, redirect_page__in=page_ids)
        ).order_by("pk")
    )
    members["redirects.json"] = _dump(
        _serialize(redirects, fields=["old_path", "is_permanent", "redirect_page", "redirect_page_route_path",
                                      "redirect_link", "automatically_created", "created_at"])
    )  # fmt: skip

    settings_obj = PortalSettings.objects.filter(site=site).first()
    members["site.json"] = _dump(
        {
            "hostname": site.hostname,
            "port": site.port,
            "site_name": site.site_name,
            "locality": locality,
            "home_slug": home.slug,
            "portal_settings": _serialize([settings_obj])[0]["fields"] if settings_obj else None,
        }
    )

    staff_count = 0
    if with_staff:
        people = Staff.objects.filter(unit__in=units).select_related("user", "unit").order_by("pk")
        records = [
            {
                "username": s.user.get_username(),
                "first_name": s.user.first_name,
                "last_name": s.user.last_name,
                "unit": s.unit_id,
                "roles": list(s.roles),
                "title": s.title,
            }
            for s in people
        ]
        staff_count = len(records)
        members["staff.json"] = _dump(records)

    if locality:
        try:
            folder = profile_dir(locality)
        except Exception:
            folder = None
        for name in (PROFILE_FILE, COLUMNS_FILE):
            if folder is not None and (folder / name).is_file():
                members[f"profile/{name}"] = (folder / name).read_bytes()

    counts = {
        "units": len(units),
        "pages": len(page_records),
        "columns": sum(1 for r in page_records if r["model"] == "portal.columnpage"),
        "items": sum(1 for p in pages if getattr(p, "gov_address", None) is not None),
        "live_pages": sum(1 for p in pages if p.live),
        "images": len(images),
        "documents": len(documents),
        "redirects": len(redirects),
        "staff": staff_count,
    }
    manifest = {
        "format": FORMAT,
        "platform": "GovPortal",
        "platform_version": platform_version(),
        "created": timezone.now().isoformat(timespec="seconds"),
        "source_hostname": site.hostname,
        "source_site_id": site.pk,
        "locality": locality,
        "with_staff": with_staff,
        "counts": counts,
        "members": {
            name: {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in sorted(members.items())
        },
    }
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, _dump(manifest))
        for name, data in sorted(members.items()):
            zf.writestr(name, data)
    partial.replace(out)  # an export cut short never has the final name
    return Summary(out, site, counts)


# --- reading and checking an archive ---------------------------------------------------------------------


def _unsafe_name(name: str) -> bool:
    if not name or name.startswith(("/", "\\")) or "\\" in name or "\x00" in name:
        return True
    if re.match(r"^[A-Za-z]:", name):
        return True
    parts = name.split("/")
    return any(p in ("", ".", "..") for p in parts)


def read_archive(path, *, max_member=None, max_total=None) -> tuple[dict, dict[str, bytes]]:
    """The manifest and the members of a checked archive, or :class:`TransferError`."""
    max_member = max_member or MAX_MEMBER_BYTES
    max_total = max_total or MAX_ARCHIVE_BYTES
    path = Path(path)
    if not path.is_file():
        raise TransferError(f"找不到站点归档文件：{path}")
    if path.stat().st_size > max_total:
        raise TransferError(
            f"站点归档文件大小超过上限 {max_total // 1048576} MB（{RULE}：归档大小限制），未导入任何内容"
        )
    members: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise TransferError(f"站点归档中的条目超过 {MAX_MEMBERS} 个（{RULE}），未导入任何内容")
            total = read_total = 0
            for info in infos:
                name = info.filename
                mode = info.external_attr >> 16
                if _unsafe_name(name) or stat.S_ISLNK(mode) or info.is_dir():
                    raise TransferError(
                        f"站点归档中有不安全的条目“{name}”（绝对路径、上级目录、符号链接或目录；{RULE}：归档成员"
                        "只能是归档内的普通文件），未导入任何内容"
                    )
                if info.file_size > max_member or (
                    info.file_size > 1048576 and info.file_size > MAX_RATIO * max(info.compress_size, 1)
                ):
                    raise TransferError(
                        f"站点归档中的条目“{name}”过大或压缩比异常（{RULE}：单个成员不超过 "
                        f"{max_member // 1048576} MB），未导入任何内容"
                    )
                total += info.file_size
                if total > max_total:
                    raise TransferError(
                        f"站点归档解压后超过 {max_total // 1048576} MB（{RULE}：归档大小限制），未导入任何内容"
                    )
                if name in members:
                    raise TransferError(f"站点归档中的条目“{name}”重复出现，可能被篡改，未导入任何内容")
                with zf.open(info) as f:
                    data = f.read(max_member + 1)
                read_total += len(data)
                if len(data) > max_member or read_total > max_total:  # the headers may lie
                    raise TransferError(f"站点归档中的条目“{name}”过大（{RULE}），未导入任何内容")
                members[name] = data
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise TransferError(
            f"站点归档文件已损坏或不是 zip 文件（{type(exc).__name__}），未导入任何内容"
        ) from exc
    if MANIFEST not in members:
        raise TransferError("站点归档缺少清单 manifest.json：不是 GovPortal 站点归档，未导入任何内容")
    try:
        manifest = json.loads(members.pop(MANIFEST).decode("utf-8"))
        listed = manifest["members"]
        fmt = manifest.get("format")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise TransferError("站点归档的清单 manifest.json 已损坏，未导入任何内容") from exc
    if fmt != FORMAT:
        raise TransferError(
            f"站点归档的格式版本 {fmt} 不受支持（本平台 {platform_version()} 读取格式版本 {FORMAT}；{RULE}：只导入已知"
            "格式），未导入任何内容"
        )
    missing = sorted(set(listed) - set(members))
    extra = sorted(set(members) - set(listed))
    if missing:
        raise TransferError(f"站点归档不完整：缺少 {len(missing)} 个条目（如 {missing[0]}），未导入任何内容")
    if extra:
        raise TransferError(f"站点归档中有清单之外的条目“{extra[0]}”，可能被篡改，未导入任何内容")
    for name, meta in listed.items():
        data = members[name]
        if len(data) != meta.get("size") or hashlib.sha256(data).hexdigest() != meta.get("sha256"):
            raise TransferError(
                f"站点归档中的“{name}”校验值（SHA-256）与清单不符，文件已损坏或被篡改（{RULE}：逐个核对校验值），"
                "未导入任何内容"
            )
    return manifest, members


def _json(members: dict[str, bytes], name: str, default=None):
    if name not in members:
        return default
    try:
        return json.loads(members[name].decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise TransferError(f"站点归档中的 {name} 不是有效的 JSON，未导入任何内容") from exc


# --- import -----------------------------------------------------------------------------------------------


class _DryRun(Exception):
    pass


def _install_profile(members: dict[str, bytes], source: str, code: str) -> Path | None:
    """Make ``code`` a loadable profile: nothing when the platform has it, else the archive's profile
    written to the installed-profiles folder (its code changed to ``code``). Returns the folder written."""
    try:
        load_profile(code)
        return None
    except ProfileError:
        pass
    toml = members.get(f"profile/{PROFILE_FILE}")
    tsv = members.get(f"profile/{COLUMNS_FILE}")
    if toml is None or tsv is None:
        raise TransferError(
            f"本平台没有地区配置 {code}，站点归档中也没有该站点的地区配置文件，无法导入（站点的规则来自地区配置）"
        )
    text = toml.decode("utf-8-sig")
    if code != source:
        text = re.sub(r'(?m)^(\s*code\s*=\s*)"[^"]*"', lambda m: f'{m.group(1)}"{code}"', text, count=1)
    folder = installed_profiles_dir() / code
    folder.mkdir(parents=True, exist_ok=True)
    (folder / PROFILE_FILE).write_text(text, encoding="utf-8")
    (folder / COLUMNS_FILE).write_bytes(tsv)
    try:
        load_profile(code)
    except ProfileError as exc:
        for name in (PROFILE_FILE, COLUMNS_FILE):
            (folder / name).unlink(missing_ok=True)
        folder.rmdir()
        raise TransferError(f"站点归档中的地区配置无法加载：{exc}") from exc
    return folder


def import_site(
    path, *, hostname=None, locality=None, dry_run=False, max_member=None, max_total=None
) -> Summary:
    manifest, members = read_archive(path, max_member=max_member, max_total=max_total)
    site_data = _json(members, "site.json", {}) or {}
    source_locality = site_data.get("locality") or manifest.get("locality") or ""
    hostname = (hostname or site_data.get("hostname") or "").strip().lower()
    locality = (locality or source_locality).strip()
    if not _HOST.match(hostname):
        raise TransferError(f"域名“{hostname}”不是有效的主机名，未导入任何内容")
    if Site.objects.filter(hostname__iexact=hostname).exists():
        raise TransferError(
            f"本平台已有域名为 {hostname} 的站点，未导入任何内容（{RULE}：一个域名只对应一个站点；"
            "请用 --hostname 指定新域名）"
        )
    if not _CODE.match(locality or ""):
        raise TransferError(f"地区配置代码“{locality}”无效（小写字母、数字、- 和 _），未导入任何内容")
    if HomePage.objects.filter(locality=locality).exists() or Unit.objects.filter(locality=locality).exists():
        raise TransferError(
            f"本平台已有地区配置 {locality} 的站点或单位，未导入任何内容（{RULE}：一个地区配置只对应一个站点；"
            "复制到同一平台时请用 --locality 指定新的地区配置代码）"
        )
    summary = Summary(Path(path))
    written_profile = None
    stored: list = []
    try:
        written_profile = _install_profile(members, source_locality, locality)
        with transaction.atomic():
            try:
                _import(manifest, members, site_data, hostname, locality, summary, stored)
                if dry_run:
                    raise _DryRun
            except BaseException:
                stored += _renditions(stored)  # made while indexing or rendering; rolled back with the rows
                raise
    except _DryRun:
        summary.notes.append("试运行：已完整核对并模拟导入，数据库和文件均未改变")
        _cleanup(stored, written_profile)
        summary.site = None
        summary.passwords = {}
    except BaseException:
        _cleanup(stored, written_profile)
        raise
    return summary


def _renditions(stored) -> list:
    names = [name for _storage, name in stored]
    images = get_image_model().objects.filter(file__in=names)
    return [(r.file.storage, r.file.name) for image in images for r in image.renditions.all()]


def _cleanup(stored, folder) -> None:
    for storage, name in stored:
        try:
            storage.delete(name)
        except Exception:  # a file that cannot be deleted is only litter; the refusal stands
            pass
    if folder is not None:
        for name in (PROFILE_FILE, COLUMNS_FILE):
            (folder / name).unlink(missing_ok=True)
        try:
            folder.rmdir()
        except OSError:
            pass


def _deserialized(records, model):
    for record in records:
        record = dict(record)
        record["model"] = model._meta.label_lower
        yield from serializers.deserialize("python", [record], ignorenonexistent=True)


def _import(manifest, members, site_data, hostname, locality, summary, stored) -> None:
    refs = Refs()
    # Units: new rows of the new locality, parents remapped afterwards.
    unit_records = _json(members, "units.json", [])
    parents = {}
    for obj in _deserialized(unit_records, Unit):
        unit = obj.object
        old = unit.pk
        parents[old] = unit.parent_id
        unit.pk = None
        unit.parent_id = None
        if unit.locality == manifest.get("locality"):
            unit.locality = locality
        existing = Unit.objects.filter(locality=unit.locality, code=unit.code).first()
        if existing is not None:  # a unit of another locality the source named, already here
            refs.unit[old] = existing.pk
            continue
        unit.save()
        refs.unit[old] = unit.pk
    for old, parent in parents.items():
        if parent in refs.unit and old in refs.unit:
            Unit.objects.filter(pk=refs.unit[old], parent__isnull=True).update(parent_id=refs.unit[parent])

    _import_files(members, "images.json", get_image_model(), kind("image"), locality, refs.image, stored)
    _import_files(members, "documents.json", get_document_model(), None, locality, refs.document, stored)

    # Pages: tree order; paths below the new home keep their relative part.
    records = _json(members, "pages.json", [])
    if not records or records[0]["path"] != "":
        raise TransferError("站点归档中没有网站首页，未导入任何内容")
    root = Page.get_first_root_node()
    locale = Locale.get_default()
    created: list[tuple[Page, dict, type]] = []
    new_home = None
    for record in records:
        try:
            model = apps.get_model(record["model"])
        except (LookupError, ValueError) as exc:
            raise TransferError(f"站点归档中的页面类型 {record['model']} 本平台没有，未导入任何内容") from exc
        data = remap_page_data(model, record["data"], refs, pages_known=False)
        page = model.from_serializable_data(data, check_fks=False, strict_fks=False)
        page.translation_key = uuid.uuid4()
        page.locale = locale
        page.latest_revision = page.live_revision = None
        if record["path"] == "":
            page.locality = locality
            siblings = set(root.get_children().values_list("slug", flat=True))
            free = [s for s in (site_data.get("home_slug"), locality) if s and s not in siblings]
            page.slug = free[0] if free else f"{locality}-{secrets.token_hex(2)}"
            numchild = page.numchild
            page.numchild = 0
            root.add_child(instance=page)
            Page.objects.filter(pk=page.pk).update(numchild=numchild)
            page.numchild = numchild
            new_home = page
        else:
            rel = record["path"]
            if len(rel) % Page.steplen or not rel.isalnum():
                raise TransferError(f"站点归档中的页面路径“{rel}”无效，未导入任何内容")
            page.path = new_home.path + rel
            page.depth = new_home.depth + len(rel) // Page.steplen
            page.save(clean=False)
        refs.page[int(record["data"]["pk"])] = page.pk
        created.append((page, record, model))

    # Second pass: everything that names a page (links, policies, chooser blocks) and the rich text.
    for page, record, model in created:
        data = remap_page_data(model, record["data"], refs, pages_known=True)
        full = model.from_serializable_data(data, check_fks=False, strict_fks=False)
        update = []
        for f in model._meta.get_fields():
            if isinstance(f, (RichTextField, StreamField)) or (
                isinstance(f, models.ForeignKey) and refs.kind_of(f.related_model) == "page"
                and not f.remote_field.parent_link and f.name in data
            ):  # fmt: skip
                setattr(page, f.attname, getattr(full, f.attname))
                update.append(f.name)
            elif isinstance(f, ParentalManyToManyField) and refs.kind_of(f.related_model) == "page":
                getattr(page, f.name).set(data.get(f.name) or [])
        page.save(clean=False)
        revision = Revision.objects.create(
            content_object=page,
            base_content_type=page.get_base_content_type(),
            object_str=str(page)[:1000],
            content=page.serializable_data(),
            created_at=page.last_published_at or page.latest_revision_created_at or timezone.now(),
        )
        latest = revision
        if not page.live and page.go_live_at and page.go_live_at > timezone.now():
            # A scheduled item stays scheduled: Wagtail publishes the revision approved for that time.
            Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=page.go_live_at)
        if record.get("draft"):
            draft = remap_page_data(model, record["draft"], refs, pages_known=True)
            draft.update({"pk": page.pk, "path": page.path, "depth": page.depth})
            latest = Revision.objects.create(
                content_object=page,
                base_content_type=page.get_base_content_type(),
                object_str=str(page)[:1000],
                content=draft,
                created_at=page.latest_revision_created_at or timezone.now(),
            )
        Page.objects.filter(pk=page.pk).update(
            live_revision=revision if page.live else None,
            latest_revision=latest,
            has_unpublished_changes=bool(record["data"].get("has_unpublished_changes")),
        )

    site = Site.objects.create(
        hostname=hostname,
        port=int(site_data.get("port") or 80),
        root_page=new_home,
        site_name=site_data.get("site_name") or new_home.title,
    )
    ps = site_data.get("portal_settings")
    if ps:
        fields = {
            k: v for k, v in ps.items() if k != "site" and k in {f.name for f in PortalSettings._meta.fields}
        }
        PortalSettings.objects.update_or_create(site=site, defaults=fields)

    redirect_records = _json(members, "redirects.json", [])
    for obj in _deserialized(redirect_records, Redirect):
        r = obj.object
        r.pk = None
        r.site = site
        r.redirect_page_id = refs.map("page", r.redirect_page_id)
        if r.redirect_page_id is None and not r.redirect_link:
            continue
        if Redirect.objects.filter(site=site, old_path=r.old_path).exists():
            continue
        r.save()

    # Permissions: the columns' units get their page rights; the site-wide roles get the new home.
    home = new_home.specific
    units = list(Unit.objects.filter(pk__in=set(refs.unit.values())))
    assignments = {}
    for col in ColumnPage.objects.descendant_of(home).prefetch_related("units"):
        if col.units.all():
            assignments[col] = list(col.units.all())
    for sub in SubsiteHomePage.objects.descendant_of(home).select_related("unit"):
        assignments[sub] = [sub.unit]
    set_page_units(assignments)

    staff_records = _json(members, "staff.json", [])
    User = get_user_model()
    for rec in staff_records:
        unit_id = refs.map("unit", rec.get("unit"))
        if unit_id is None:
            continue
        username = rec["username"]
        if User.objects.filter(username=username).exists():
            username = f"{username}@{locality}"
            if User.objects.filter(username=username).exists():
                raise TransferError(f"本平台已有账号 {rec['username']} 和 {username}，未导入任何内容")
        user = User(
            username=username, first_name=rec.get("first_name", ""), last_name=rec.get("last_name", "")
        )
        password = _initial_password()
        user.set_password(password)
        user.is_staff = True
        user.save()
        staff = Staff.objects.create(
            user=user,
            unit_id=unit_id,
            roles=[r for r in rec.get("roles", []) if r],
            title=rec.get("title", ""),
        )
        staff.full_clean(exclude=["user", "unit"])
        staff.sync_groups()
        require_change(user, "本账号随站点迁移导入，请先设置自己的密码。")
        summary.passwords[username] = password
    refresh_role_groups(units)
    profile_applied.send(sender=HomePage, home=home, profile=load_profile(locality))

    summary.site = site
    summary.counts = {
        "units": len([u for u in unit_records]),
        "pages": len(created),
        "columns": ColumnPage.objects.descendant_of(home).count(),
        "live_pages": Page.objects.descendant_of(home, inclusive=True).live().count(),
        "images": len(refs.image),
        "documents": len(refs.document),
        "redirects": Redirect.objects.filter(site=site).count(),
        "staff": len(summary.passwords),
    }


def _initial_password() -> str:
    # Three classes at least, long enough for every locality's rules; changed at first login anyway.
    return f"Gp-{secrets.token_urlsafe(12)}9a"


def _import_files(members, name, model, upload_kind, locality, mapping, stored) -> None:
    records = _json(members, name, [])
    for record in records:
        arc = record.get("file") or ""
        if arc not in members or not arc.startswith("files/"):
            raise TransferError(f"站点归档中的 {name} 指向不存在的文件“{arc}”，未导入任何内容")
        data = members[arc]
        file_name = _safe_file_name(record.get("file_name") or arc)
        upload = ContentFile(data, name=file_name)
        try:
            check_upload(upload, upload_kind or document_kind(file_name), locality)
        except UploadRefused as exc:
            raise TransferError(f"站点归档中的文件未通过上传检查：{exc}（未导入任何内容）") from exc
        fields = {
            k: v for k, v in record["fields"].items() if k in {f.name for f in model._meta.concrete_fields}
        }
        fields.pop("file", None)
        obj = model(**fields)
        obj.file.save(file_name, ContentFile(data), save=False)
        stored.append((obj.file.storage, obj.file.name))
        for name_, value in fields.items():  # an image field's save clears width and height
            if name_ in ("width", "height") and getattr(obj, name_) is None:
                setattr(obj, name_, value)
        if hasattr(obj, "file_hash"):
            obj.file_hash = hashlib.sha1(data).hexdigest()
        if hasattr(obj, "file_size"):
            obj.file_size = len(data)
        obj.save()
        mapping[int(record["pk"])] = obj.pk


def describe(summary: Summary) -> str:
    c = summary.counts
    return (
        f"单位 {c.get('units', 0)}、页面 {c.get('pages', 0)}（栏目 {c.get('columns', 0)}，已发布 {c.get('live_pages', 0)}）、"
        f"图片 {c.get('images', 0)}、文档 {c.get('documents', 0)}、重定向 {c.get('redirects', 0)}、人员 {c.get('staff', 0)}"
    )


__all__ = ["FORMAT", "TransferError", "export_site", "find_site", "import_site", "read_archive"]

"""The open API's endpoints (django-ninja), mounted at ``/api/v1/``; the OpenAPI document is
``/api/v1/openapi.json`` (no documentation page: Swagger UI would load scripts from a CDN).

Every call carries ``Authorization: Bearer <令牌>``; without a valid token the answer is 401, over the
consumer's rate limit 429 with ``Retry-After``, outside its sites 403. Lists are newest first, at most
100 a page (20 by default), with ``next_cursor`` to hand back as ``cursor`` for the next page (null on
the last page).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import Enum
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer
from pydantic import BeforeValidator
from wagtail.models import Page, Site

from govportal import ratelimits
from govportal.accounts.models import Unit
from govportal.portal.listing import public_only
from govportal.portal.models import ITEM_KINDS, ColumnPage, PortalSettings, Validity
from govportal.portal.models import PolicyDocumentPage as Document
from govportal.search.models import SearchEntry

from . import cursors, data, tokens

MAX_LIMIT = 100
DEFAULT_LIMIT = 20

Kind = Enum(
    "Kind", {label.split(".")[1].lower(): label.split(".")[1].lower() for label in ITEM_KINDS}, type=str
)
ValidityValue = Enum("ValidityValue", {v.name.lower(): v.value for v in Validity}, type=str)


def _iso_day(value):
    """A day only as YYYY-MM-DD (pydantic alone would take 0 as 1970-01-01)."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("日期格式应为 YYYY-MM-DD")
    return value


Day = Annotated[date, BeforeValidator(_iso_day)]


class ChineseJSON(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


class RateLimited(Exception):
    def __init__(self, used: ratelimits.Usage):
        self.used = used


class TokenAuth(HttpBearer):
    """A consumer's token (调用方令牌): checked, counted against its rate limit, its use noted."""

    def authenticate(self, request: HttpRequest, token: str):
        consumer = tokens.consumer_for(token.strip())
        if consumer is None:
            return None
        used = tokens.count_call(request, consumer)
        if used.exceeded:
            raise RateLimited(used)
        tokens.note_call(consumer)
        return consumer


DESCRIPTION = """政府门户网站集约化平台的只读开放接口，供省级平台做网站监管、检索和数据共享。

- 认证：每个调用方一个令牌，请求头 `Authorization: Bearer <令牌>`。令牌由网站管理员在后台“开放接口令牌”中创建，
  或由平台运维人员执行 `govportal api-token create 名称`，只在创建时显示一次。
- 范围：令牌可读取全部网站或指定网站；只提供公众在网站上能看到的内容（已发布、未设访问限制的信息，已公开的信件）。
- 分页：列表按发布日期从新到旧，`limit` 每页条数（1–100，默认 20），返回的 `next_cursor` 作为下一页的 `cursor` 参数；
  最后一页 `next_cursor` 为 null。游标不受翻页期间新发布信息的影响，不重复、不遗漏。
- 频率：每个令牌有调用频率限制（默认每分钟 120 次、每小时 6000 次），超过时返回 429 和 `Retry-After`（秒）。
"""


class OpenApi(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None):
        """Every answer depends on the token: never kept by a shared cache."""
        from django.utils.cache import patch_cache_control, patch_vary_headers

        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        patch_cache_control(response, private=True, max_age=0)
        patch_vary_headers(response, ["Authorization"])
        return response


api = OpenApi(
    title="政府网站集约化平台开放接口",
    version="1.0",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs_url=None,
    auth=TokenAuth(),
    renderer=ChineseJSON(),
)


# --- errors ----------------------------------------------------------------------------------------------


class Error(Schema):
    detail: str = Field(description="错误说明")


class RateError(Error):
    retry_after: int = Field(description="多少秒后可以再调用")


class InvalidError(Error):
    errors: list[dict] = Field(default_factory=list, description="各参数的错误")


ERRORS = {
    400: Error,
    401: Error,
    403: Error,
    404: Error,
    422: InvalidError,
    429: RateError,
}


def _json(request, payload: dict, status: int, headers: dict | None = None):
    response = api.create_response(request, payload, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(AuthenticationError)
def _unauthorised(request, exc):
    return _json(
        request,
        {
            "detail": "缺少或无效的访问令牌：请在请求头 Authorization 中提供“Bearer 令牌”；令牌停用或丢失的，请联系网站管理员重新创建。"
        },
        401,
        {"WWW-Authenticate": 'Bearer realm="govportal"'},
    )


@api.exception_handler(RateLimited)
def _rate_limited(request, exc: RateLimited):
    wait = max(1, int(exc.used.retry_after or 0))
    return _json(
        request,
        {
            "detail": f"调用过于频繁：本令牌的调用频率限制为{ratelimits.describe(exc.used.rate)}，"
            f"请{ratelimits.retry_text(exc.used)}再调用。",
            "retry_after": wait,
        },
        429,
        {"Retry-After": str(wait)},
    )


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    fields = ["/".join(str(p) for p in e.get("loc", ())[1:]) or str(e.get("loc", "")) for e in exc.errors]
    errors = [{"loc": list(map(str, e.get("loc", ()))), "msg": str(e.get("msg", ""))} for e in exc.errors]
    return _json(request, {"detail": f"参数不正确：{'、'.join(fields)}", "errors": errors}, 422)


@api.exception_handler(cursors.BadCursor)
def _bad_cursor(request, exc):
    return _json(request, {"detail": "游标（cursor）无效：请使用上一页返回的 next_cursor 原样传入。"}, 400)


@api.exception_handler(data.NotAllowed)
def _not_allowed(request, exc: data.NotAllowed):
    site = exc.args[0] if exc.args else None
    if site == "several":
        detail = "本令牌可读取多个网站：请用 site 参数指定网站（网站编号见 /api/v1/sites）。"
    elif not isinstance(site, Site):
        detail = "本令牌没有可读取的网站：请联系网站管理员调整令牌的网站范围。"
    else:
        detail = f"本令牌无权读取网站“{site.site_name or site.hostname}”的数据：请联系网站管理员调整令牌的网站范围。"
    return _json(request, {"detail": detail}, 403)


@api.exception_handler(Site.DoesNotExist)
def _no_site(request, exc):
    return _json(request, {"detail": "没有这个网站。"}, 404)


def _not_found(what: str):
    return HttpError(404, f"没有这个{what}，或它已撤回、未公开。")


def _page(limit: int, rows: list, cursor_of) -> dict:
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": rows, "limit": limit, "next_cursor": cursor_of(rows[-1]) if more and rows else None}


LIMIT = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="每页条数（1–100）")
CURSOR = Query(None, max_length=500, description="上一页返回的 next_cursor；不填从最新开始")


# --- sites -----------------------------------------------------------------------------------------------


class SiteOut(Schema):
    id: int = Field(description="网站编号")
    name: str = Field(description="网站名称")
    hostname: str = Field(description="域名")
    url: str = Field(description="网站地址")
    is_default: bool = Field(description="是否平台默认网站")
    locality: str = Field(description="地区配置代码（如 qinzhou）")
    site_code: str = Field(description="网站标识码")
    host_unit: str = Field(description="主办单位")
    operator_unit: str = Field(description="承办单位")
    icp_number: str = Field(description="ICP备案号")
    police_number: str = Field(description="公安机关备案号")


class SitePage(Schema):
    items: list[SiteOut]
    limit: int = Field(description="每页条数")
    next_cursor: str | None = Field(description="下一页的游标；最后一页为 null")


def _site_out(site: Site) -> dict:
    s = PortalSettings.for_site(site)
    return {
        "id": site.pk,
        "name": site.site_name or "",
        "hostname": site.hostname,
        "url": site.root_url,
        "is_default": site.is_default_site,
        "locality": data.locality_of(site),
        "site_code": s.site_code,
        "host_unit": s.host_unit,
        "operator_unit": s.operator_unit,
        "icp_number": s.icp_number,
        "police_number": s.police_number,
    }


@api.get("/sites", response={200: SitePage, **ERRORS}, summary="网站列表", tags=["网站"])
def list_sites(request, limit: int = LIMIT, cursor: str | None = CURSOR):
    """本令牌可读取的网站，按编号排列。"""
    qs = data.sites_of(request.auth)
    if cursor:
        after = cursors.decode("site", cursor)
        if len(after) != 1 or not isinstance(after[0], int):
            raise cursors.BadCursor(cursor)
        qs = qs.filter(pk__gt=after[0])
    rows = [_site_out(s) for s in qs[: limit + 1]]
    return _page(limit, rows, lambda r: cursors.encode("site", r["id"]))


@api.get("/sites/{site_id}", response={200: SiteOut, **ERRORS}, summary="网站信息", tags=["网站"])
def get_site(request, site_id: int):
    """一个网站的名称、地址、标识码和主办、承办单位。"""
    return _site_out(data.site_for(request.auth, site_id))


# --- columns ---------------------------------------------------------------------------------------------


class ColumnOut(Schema):
    id: int = Field(description="栏目编号")
    title: str = Field(description="栏目名称")
    parent_id: int | None = Field(description="上级栏目编号；频道（一级栏目）和子站的一级栏目为 null")
    level: int = Field(description="相对网站首页的层级：1 为频道（部门子站的栏目从子站所在层级算起）")
    url: str = Field(description="栏目地址")
    content_description: str = Field(description="具体内容")
    frequency: str = Field(description="更新频率（如 每周至少1条）")
    supply_method: str = Field(description="保障方式")
    units: list[str] = Field(description="保障单位")


class ColumnList(Schema):
    items: list[ColumnOut]


@api.get(
    "/sites/{site_id}/columns", response={200: ColumnList, **ERRORS}, summary="网站的栏目", tags=["网站"]
)
def list_columns(request, site_id: int):
    """网站全部已发布、未设访问限制的栏目（含部门子站的栏目），按栏目树的顺序；一次返回全部。"""
    site = data.site_for(request.auth, site_id)
    columns = data.columns_of(site)
    by_path = {c.path: c.pk for c in columns}
    paths = data.root_paths()
    root_depth = site.root_page.depth
    out = []
    for c in columns:
        out.append(
            {
                "id": c.pk,
                "title": c.title,
                "parent_id": by_path.get(c.path[: -Page.steplen]),
                "level": c.depth - root_depth,
                "url": data.absolute(c.url_path, paths, {site.pk})[1],
                "content_description": c.content_description,
                "frequency": c.frequency_text,
                "supply_method": c.get_supply_method_display(),
                "units": [u.name for u in c.units.all()],
            }
        )
    return {"items": out}


# --- items -----------------------------------------------------------------------------------------------


class ItemOut(Schema):
    id: int = Field(description="信息编号")
    title: str = Field(description="标题")
    kind: str = Field(description="信息类型代码（如 articlepage、policydocumentpage）")
    kind_label: str = Field(description="信息类型（如 信息、政策文件）")
    date: datetime = Field(description="发布日期")
    url: str = Field(description="公开地址")
    site_id: int | None = Field(description="所属网站编号")
    column_id: int | None = Field(description="所属栏目编号")
    column: str = Field(description="所属栏目")
    unit_id: int | None = Field(description="发布单位编号")
    unit: str = Field(description="发布单位")
    document_number: str = Field(description="文号（政策文件）")
    validity: str = Field(description="有效性（政策文件）")


class ItemPage(Schema):
    items: list[ItemOut]
    limit: int = Field(description="每页条数")
    next_cursor: str | None = Field(description="下一页的游标；最后一页为 null")


class Attachment(Schema):
    title: str = Field(description="附件名称")
    url: str = Field(description="下载地址")
    file_size: int | None = Field(description="文件大小（字节）")


class ExtraField(Schema):
    name: str = Field(description="字段代码")
    label: str = Field(description="字段名称")
    value: str = Field(description="字段值")


class ItemDetail(ItemOut):
    source: str = Field(description="来源")
    author: str = Field(description="作者")
    summary: str = Field(description="内容概述")
    index_number: str = Field(description="索引号")
    topic: str = Field(description="主题分类")
    text: str = Field(description="正文（纯文本）")
    html: str = Field(description="正文（HTML，站内链接已转换为地址；使用时请按 HTML 转义规则处理）")
    attachments: list[Attachment] = Field(description="附件")
    fields: list[ExtraField] = Field(description="该类信息特有的字段（如办事指南的办理地点）")


def _item_rows(entries: list, consumer) -> list[dict]:
    paths = data.root_paths()
    allowed = data.allowed_ids(consumer)
    labels = data.kind_labels()
    units = data.names(Unit, [e.unit_id for e in entries])
    columns = data.names(Page, [e.column_id for e in entries])
    rows = []
    for e in entries:
        site_id, url = data.absolute(e.url_path, paths, allowed)
        rows.append(
            {
                "id": e.page_id,
                "title": e.title,
                "kind": e.kind.split(".")[-1],
                "kind_label": labels.get(e.kind, ""),
                "date": e.date,
                "url": url,
                "site_id": site_id,
                "column_id": e.column_id,
                "column": columns.get(e.column_id, ""),
                "unit_id": e.unit_id,
                "unit": units.get(e.unit_id, ""),
                "document_number": e.document_number,
                "validity": e.validity,
                "_cursor": cursors.encode("item", e.date, e.page_id),
            }
        )
    return rows


def _filter(consumer, site_id, column_id) -> data.ItemFilter:
    site = data.site_for(consumer, site_id) if site_id is not None else data.default_site(consumer)
    column = None
    if column_id is not None:
        column = public_only(ColumnPage.objects.live().filter(pk=column_id)).first()
        if column is None or not data.visible(consumer, column.url_path, data.root_paths()):
            raise _not_found("栏目")
        if site is not None and not column.path.startswith(site.root_page.path):
            raise _not_found("栏目")
    return data.ItemFilter(site=site, column=column)


def _walk(f: data.ItemFilter, consumer, cursor, limit) -> dict:
    after = cursors.date_id("item", cursor) if cursor else None
    rows = _item_rows(data.entries(data.item_keys(f, after, limit + 1)), consumer)
    page = _page(limit, rows, lambda r: r["_cursor"])
    return page


@api.get("/items", response={200: ItemPage, **ERRORS}, summary="信息列表", tags=["信息"])
def list_items(
    request,
    site: int | None = Query(None, description="网站编号；令牌只能读取一个网站时可不填"),
    column: int | None = Query(None, description="栏目编号：该栏目及其下级栏目的信息"),
    kind: Kind | None = Query(None, description="信息类型代码"),
    unit: int | None = Query(None, description="发布单位编号"),
    date_from: Day | None = Query(None, description="发布日期不早于（YYYY-MM-DD）"),
    date_to: Day | None = Query(None, description="发布日期不晚于（YYYY-MM-DD）"),
    limit: int = LIMIT,
    cursor: str | None = CURSOR,
):
    """已发布、未设访问限制的信息，按发布日期从新到旧。撤回、过期、草稿和设了访问限制的信息不会出现。"""
    f = _filter(request.auth, site, column)
    f.kind = kind.value if kind else None
    f.unit_id, f.date_from, f.date_to = unit, date_from, date_to
    return _walk(f, request.auth, cursor, limit)


@api.get("/items/{item_id}", response={200: ItemDetail, **ERRORS}, summary="信息详情", tags=["信息"])
def get_item(request, item_id: int):
    """一条已发布信息的全部公开内容：正文、附件和该类信息特有的字段。"""
    from wagtail.rich_text import expand_db_html

    entry = SearchEntry.objects.filter(page_id=item_id).first()
    paths = data.root_paths()
    if entry is None or not data.visible(request.auth, entry.url_path, paths):
        raise _not_found("信息")
    page = data.live_public_page(item_id)
    if page is None:
        raise _not_found("信息")
    row = _item_rows([entry], request.auth)[0]
    allowed = data.allowed_ids(request.auth)
    row.update(
        source=page.source,
        author=page.author,
        summary=page.summary,
        index_number=page.index_number,
        topic=page.topic,
        text=entry.body,
        html=expand_db_html(page.content_html()),
        attachments=data.attachments(page, paths, allowed),
        fields=data.own_fields(page),
    )
    return row


# --- policy documents ------------------------------------------------------------------------------------


class PolicyDocumentOut(ItemOut):
    issuing_organ: str = Field(description="发文机关")
    date_written: date | None = Field(description="成文日期")
    genre: str = Field(description="体裁")
    keywords: str = Field(description="主题词")
    index_number: str = Field(description="索引号")
    topic: str = Field(description="主题分类")
    validity_date: date | None = Field(description="有效性变更日期")
    validity_note: str = Field(description="有效性说明")
    valid_until: date | None = Field(description="有效期至")


class PolicyDocumentPage(Schema):
    items: list[PolicyDocumentOut]
    limit: int = Field(description="每页条数")
    next_cursor: str | None = Field(description="下一页的游标；最后一页为 null")


DOCUMENT_FIELDS = (
    "issuing_organ",
    "date_written",
    "genre",
    "keywords",
    "index_number",
    "topic",
    "validity_date",
    "validity_note",
    "valid_until",
)


@api.get(
    "/policy-documents", response={200: PolicyDocumentPage, **ERRORS}, summary="政策文件", tags=["政策文件"]
)
def list_policy_documents(
    request,
    site: int | None = Query(None, description="网站编号；令牌只能读取一个网站时可不填"),
    column: int | None = Query(None, description="栏目编号"),
    validity: ValidityValue | None = Query(None, description="有效性"),
    number: str | None = Query(
        None, max_length=100, description="文号，如 钦政规〔2026〕3号（括号写法不限）"
    ),
    date_from: Day | None = Query(None, description="发布日期不早于（YYYY-MM-DD）"),
    date_to: Day | None = Query(None, description="发布日期不晚于（YYYY-MM-DD）"),
    limit: int = LIMIT,
    cursor: str | None = CURSOR,
):
    """已发布的政策文件及其文号、发文机关、成文日期、有效性等，按发布日期从新到旧。"""

    f = _filter(request.auth, site, column)
    f.kind = "policydocumentpage"
    f.validity = validity.value if validity else None
    f.document_number = (number or "").strip() or None
    f.date_from, f.date_to = date_from, date_to
    page = _walk(f, request.auth, cursor, limit)
    ids = [r["id"] for r in page["items"]]
    extra = {r["pk"]: r for r in Document.objects.filter(pk__in=ids).values("pk", *DOCUMENT_FIELDS)}
    page["items"] = [{**r, **extra[r["id"]]} for r in page["items"] if r["id"] in extra]
    return page


# --- letters ---------------------------------------------------------------------------------------------


class LetterOut(Schema):
    id: int = Field(description="信件编号")
    type: str = Field(description="信件类型")
    subject: str = Field(description="标题（公开稿）")
    content: str = Field(description="来信内容（公开稿，已隐去个人信息）")
    reply: str = Field(description="答复内容（公开稿，已隐去个人信息）")
    reply_unit: str = Field(description="答复单位")
    received_at: datetime = Field(description="来信时间")
    concluded_at: datetime | None = Field(description="答复时间")
    published_at: datetime = Field(description="公开时间")
    locality: str = Field(description="地区配置代码")
    url: str = Field(description="公开地址")


class LetterPage(Schema):
    items: list[LetterOut]
    limit: int = Field(description="每页条数")
    next_cursor: str | None = Field(description="下一页的游标；最后一页为 null")


@api.get("/letters", response={200: LetterPage, **ERRORS}, summary="已公开的信件", tags=["政民互动"])
def list_letters(
    request,
    site: int | None = Query(None, description="网站编号；令牌只能读取一个网站时可不填"),
    limit: int = LIMIT,
    cursor: str | None = CURSOR,
):
    """经审核公开的信件（公开稿），按公开时间从新到旧。来信人姓名、联系方式和未公开的信件不会出现。"""
    consumer = request.auth
    chosen = data.site_for(consumer, site) if site is not None else data.default_site(consumer)
    if chosen is not None:
        sites = {data.locality_of(chosen): chosen}
        localities = [k for k in sites if k]
    else:
        sites = {}
        for s in Site.objects.select_related("root_page").order_by("-is_default_site", "pk"):
            sites.setdefault(data.locality_of(s), s)
        localities = None
    after = cursors.date_id("letter", cursor) if cursor else None
    letters = data.published_letters(localities, after, limit + 1)
    rows = [
        {
            "id": x.pk,
            "type": x.type_name,
            "subject": x.public_subject,
            "content": x.public_content,
            "reply": x.public_reply,
            "reply_unit": x.reply_unit.name if x.reply_unit else "",
            "received_at": x.received_at,
            "concluded_at": x.concluded_at,
            "published_at": x.published_at,
            "locality": x.locality,
            "url": data.letter_url(x, sites),
        }
        for x in letters
    ]
    return _page(limit, rows, lambda r: cursors.encode("letter", r["published_at"], r["id"]))


# --- statistics ------------------------------------------------------------------------------------------


class KindCount(Schema):
    kind: str = Field(description="信息类型代码")
    label: str = Field(description="信息类型")
    count: int = Field(description="条数")


class ColumnCount(Schema):
    column_id: int = Field(description="栏目编号")
    title: str = Field(description="栏目名称")
    count: int = Field(description="直接发布在该栏目的信息条数")
    latest_date: datetime | None = Field(description="最新一条的发布日期")
    frequency: str = Field(description="更新频率")


class MonthCount(Schema):
    month: str = Field(description="月份（YYYY-MM）")
    count: int = Field(description="当月发布的信息条数")


class ItemStats(Schema):
    total: int = Field(description="已发布信息总数")
    by_kind: list[KindCount]
    by_column: list[ColumnCount]
    by_month: list[MonthCount]


class LetterRow(Schema):
    label: str = Field(description="类型、单位或月份")
    received: int = Field(description="来信数")
    concluded: int = Field(description="办结数")
    on_time: int = Field(description="按期答复数")
    on_time_rate: str = Field(description="按期答复率（无数据为“—”）")
    avg_workdays: str = Field(description="平均办理工作日（无数据为“—”）")
    overdue_open: int = Field(description="超期未答复数")


class ErrorReportStats(Schema):
    received: int = Field(description="收到的网站纠错")
    forwarded: int = Field(description="已转办")
    forwarded_on_time: int = Field(description="按期转办")
    answered: int = Field(description="已答复")
    answered_on_time: int = Field(description="按期答复")
    open: int = Field(description="办理中")


class LetterStats(Schema):
    total: LetterRow
    by_type: list[LetterRow]
    by_unit: list[LetterRow]
    by_month: list[LetterRow]
    rejected: int = Field(description="不予受理")
    merged: int = Field(description="合并办理")
    published: int = Field(description="已公开")
    error_reports: ErrorReportStats


class Statistics(Schema):
    site_id: int = Field(description="网站编号")
    year: int = Field(description="统计年度")
    generated_at: datetime = Field(description="统计时间（最多缓存 5 分钟）")
    items: ItemStats
    letters: LetterStats | None = Field(
        description="信件统计（与网站“信件统计”页相同）；网站未加载地区配置时为 null"
    )


@api.get(
    "/sites/{site_id}/statistics", response={200: Statistics, **ERRORS}, summary="网站统计", tags=["统计"]
)
def site_statistics(
    request, site_id: int, year: int | None = Query(None, ge=2000, le=2100, description="年度；默认今年")
):
    """信息按类型、栏目和月份的数量，以及网站公开的信件和纠错统计。"""
    site = data.site_for(request.auth, site_id)
    year = year or timezone.localdate().year
    return {
        "site_id": site.pk,
        "year": year,
        "generated_at": timezone.now(),
        "items": data.item_statistics(site, year),
        "letters": data.letter_statistics(data.locality_of(site), year),
    }

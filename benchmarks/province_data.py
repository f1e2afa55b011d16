"""A province on one platform: 1,000 sites and 1,000,000 items on PostgreSQL, generated in bulk, resumable.

    export GOVPORTAL_HOME=/tmp/gp-scale DATABASE_URL=postgres://postgres@127.0.0.1:5432/gp_scale
    nice -n 5 .venv/bin/python benchmarks/province_data.py                    # 1,000 sites × 1,000 items
    .venv/bin/python benchmarks/province_data.py --sites 20 --items-per-site 200   # a quick trial

A rerun skips the sites already finished and continues; ``--reset`` drops everything first (a fresh
database: all migrations). The data set is what ``benchmarks/province_speed.py`` measures.

What each site is
-----------------
- Its own locality and profile: ``$GOVPORTAL_HOME/profiles/s0001/`` … (found by the platform through
  ``GOVPORTAL_PROFILES_DIR``, the folder of profiles not shipped with the code, which this script and the
  speed script set to that folder), a copy of one
  of the shipped profiles (qinzhou, xiangshan, youyang, weibin in turn) with its own code, name, site name
  and domain, its units, and a column table of whole channels of the shipped table (50-90 columns, with
  their update frequencies and responsible units).
- Its own host name ``s0001.bench.gov.cn`` (a ``wagtailcore_site``), home page, site settings, unit-role
  groups and page permissions, review workflow.
- About ``--items-per-site`` items (``portal.ArticlePage``), live, with realistic Chinese titles and
  bodies (the generators of ``search_speed.py``), dates over eight years (more recent more frequent),
  spread over the leaf columns on a Zipf curve (the busiest column of a site holds about a third of its
  items), each with its unit (the column's first responsible unit, else one of the site's units) and its
  search entry (the row ``search.indexing.build_entry`` writes: segmented title and text, facets).

How
---
The first site of each shipped profile (s0001-s0004) is made by the platform itself:
``columns.apply_profile`` (units, column tree, groups, permissions, workflow, the profile signal). Every
further site is a copy of its template's rows — units, groups and their permissions, unit-role links, the
pages of the column tree with their specific rows and unit links, the site and its settings — with new
ids, paths, host name and locality, then ``accounts.permissions.set_page_units`` (the page permissions of
the column units, as ``apply_columns`` does) and the ``profile_applied`` signal (workflow, text-check
policy): the same rows ``apply_profile`` writes, in a few bulk statements instead of one save per page.
Items: ``Page.objects.bulk_create`` with the tree paths computed, one multi-row insert into
``portal_articlepage``, COPY into ``search_searchentry``. Each site (structure, items, the
``bench_province`` bookkeeping row) is one transaction: an interrupted run loses at most the site it
was writing. The GIN full-text indexes are dropped while a long run writes and rebuilt at its end (then
VACUUM ANALYZE), as ``search_speed.py`` does; a rerun rebuilds them if an interrupted run left them out.
Static publishing is off while generating (``GOVPORTAL_STATIC_PUBLISHING=0``): the speed script publishes
the sites it measures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

TEMPLATES = ["qinzhou", "xiangshan", "youyang", "weibin"]
BOOK = "bench_province"  # bookkeeping: one row per finished site
HOST = "{code}.bench.gov.cn"
NOW = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
COUNTIES = """东川 西岭 南溪 北屏 青山 白水 金沙 银湖 玉泉 云台 清河 平安 长宁 永安 新丰 安远 富源 兴隆 太和 广德
宁远 丰城 龙泉 凤凰 桃源 柳江 梅岭 松阳 竹溪 兰溪""".split()


def code_of(i: int) -> str:
    return f"s{i:04d}"


def env(home: str | None = None) -> None:
    home = home or os.environ.get("GOVPORTAL_HOME")
    if not home:
        raise SystemExit("请设置 GOVPORTAL_HOME（数据目录），例如 export GOVPORTAL_HOME=/tmp/gp-scale")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit(
            "请设置 DATABASE_URL 指向 PostgreSQL，例如 postgres://postgres@127.0.0.1:5432/gp_scale"
        )
    if urlparse(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("只对本机（127.0.0.1）的 PostgreSQL 运行基准测试。")
    Path(home, "profiles").mkdir(parents=True, exist_ok=True)
    os.environ["GOVPORTAL_PROFILES_DIR"] = str(Path(home, "profiles"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govportal.settings")


# --- profiles -----------------------------------------------------------------------------------------------


def write_profile(i: int) -> str:
    """The profile folder of site ``i`` (idempotent); returns its code."""
    from govportal.rules.profile import load_profile, write_columns_tsv

    code = code_of(i)
    folder = Path(os.environ["GOVPORTAL_PROFILES_DIR"]) / code
    if (folder / "profile.toml").is_file() and (folder / "columns.tsv").is_file():
        return code
    base = TEMPLATES[(i - 1) % len(TEMPLATES)]
    shipped = load_profile(base)
    county = COUNTIES[(i - 1) % len(COUNTIES)] + f"{i:04d}"
    name = f"{county}{'市' if shipped.level == 'city' else '区' if shipped.level == 'district' else '县'}"
    text = (shipped.path / "profile.toml").read_text(encoding="utf-8")
    head, sep, rest = text.partition("[locality]")
    section, nxt, tail = rest.partition("\n[")
    for key, value in (
        ("code", code),
        ("name", name),
        ("site_name", f"{name}人民政府门户网站"),
        ("domain", HOST.format(code=code)),
    ):
        section = re.sub(rf'(?m)^{key}\s*=\s*"[^"]*"', f'{key} = "{value}"', section, count=1)
    # Whole channels of the shipped table, in order, until the site has at least 50 columns.
    channels: list[str] = []
    count = 0
    for spec in shipped.columns:
        ch = spec.path[0]
        if ch not in channels:
            if count >= 50:
                break
            channels.append(ch)
        count += 1
    columns = [c for c in shipped.columns if c.path[0] in channels]
    folder.mkdir(parents=True, exist_ok=True)
    write_columns_tsv(folder / "columns.tsv", columns, shipped.level_names)
    (folder / "profile.toml").write_text(
        f"# Generated by benchmarks/province_data.py from the shipped profile {base}.\n"
        + head
        + sep
        + section
        + nxt
        + tail,
        encoding="utf-8",
    )
    load_profile(folder)  # validates
    return code


# --- bookkeeping --------------------------------------------------------------------------------------------


def book(cursor) -> None:
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {BOOK} (code varchar(10) PRIMARY KEY, template varchar(10), "
        "items integer NOT NULL, seconds real NOT NULL, finished_at timestamptz NOT NULL DEFAULT now())"
    )


def finished() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as c:
        book(c)
        c.execute(f"SELECT code, items FROM {BOOK}")
        return dict(c.fetchall())


# --- cloning a template site --------------------------------------------------------------------------------


def next_ids(cursor, table: str, n: int) -> list[int]:
    if n == 0:
        return []
    cursor.execute(
        f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)", [n]
    )
    return [r[0] for r in cursor.fetchall()]


def rows(cursor, sql: str, params=()) -> tuple[list[str], list[list]]:
    cursor.execute(sql, params)
    cols = [d.name for d in cursor.description]
    return cols, [list(r) for r in cursor.fetchall()]


def insert(cursor, table: str, cols: list[str], data: list[list]) -> None:
    if not data:
        return
    from psycopg.types.json import Jsonb

    fixed = [[Jsonb(v) if isinstance(v, (dict, list)) else v for v in r] for r in data]
    names = ", ".join(f'"{c}"' for c in cols)
    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for r in fixed:
            copy.write_row(r)


class Template:
    """The rows of a template site that a copy repeats (read once)."""

    def __init__(self, code: str):
        from django.db import connection
        from wagtail.models import Page, Site

        from govportal.portal.columns import home_for
        from govportal.portal.listing import item_models

        self.code = code
        home = home_for(code)
        self.home_path, self.home_url = home.path, home.url_path
        self.site = Site.objects.get(root_page=home)
        item_cts = [m._meta.model_name for m in item_models()]
        c = connection.cursor()
        self.units = rows(c, "SELECT * FROM accounts_unit WHERE locality = %s ORDER BY id", [code])
        unit_ids = [r[0] for r in self.units[1]]
        self.urg = rows(
            c, "SELECT * FROM accounts_unitrolegroup WHERE unit_id = ANY(%s) ORDER BY id", [unit_ids]
        )
        group_ids = [r[self.urg[0].index("group_id")] for r in self.urg[1]]
        self.groups = rows(c, "SELECT * FROM auth_group WHERE id = ANY(%s) ORDER BY id", [group_ids])
        self.group_perms = rows(
            c, "SELECT * FROM auth_group_permissions WHERE group_id = ANY(%s)", [group_ids]
        )
        self.gcp = rows(
            c, "SELECT * FROM wagtailcore_groupcollectionpermission WHERE group_id = ANY(%s)", [group_ids]
        )
        self.gsp = rows(
            c, "SELECT * FROM wagtailcore_groupsitepermission WHERE group_id = ANY(%s)", [group_ids]
        )
        self.pages = rows(
            c,
            "SELECT p.* FROM wagtailcore_page p JOIN django_content_type ct ON ct.id = p.content_type_id "
            "WHERE p.path LIKE %s AND NOT (ct.app_label = 'portal' AND ct.model = ANY(%s)) ORDER BY p.path",
            [self.home_path + "%", item_cts],
        )
        page_ids = [r[0] for r in self.pages[1]]
        # numchild without the template's own items (a copy starts with none)
        pcols = self.pages[0]
        paths = [r[pcols.index("path")] for r in self.pages[1]]
        kids: dict[str, int] = {}
        for p in paths:
            kids[p[:-4]] = kids.get(p[:-4], 0) + 1
        for r in self.pages[1]:
            r[pcols.index("numchild")] = kids.get(r[pcols.index("path")], 0)
        self.specific = []  # (table, cols, rows) of the pages' own tables
        for model in {Page.objects.get(pk=pk).specific_class for pk in page_ids}:
            for parent in [model, *model._meta.get_parent_list()]:
                if parent is Page or parent._meta.abstract:
                    continue
                t = parent._meta.db_table
                self.specific.append(
                    (t, *rows(c, f"SELECT * FROM {t} WHERE page_ptr_id = ANY(%s)", [page_ids]))
                )
        self.col_units = [
            (t, *rows(c, f"SELECT * FROM {t} WHERE columnpage_id = ANY(%s)", [page_ids]))
            for t in ("portal_columnpage_units", "portal_columnpage_lead_units")
        ]
        self.settings = rows(c, "SELECT * FROM portal_portalsettings WHERE site_id = %s", [self.site.pk])
        self.gpp = rows(
            c,
            "SELECT * FROM wagtailcore_grouppagepermission WHERE page_id = ANY(%s) AND group_id = ANY(%s)",
            [page_ids, group_ids],
        )


def clone_site(t: Template, code: str, profile) -> None:
    """Site ``code`` as a copy of template ``t``'s rows (then the platform's own permission and workflow
    steps). Runs inside the caller's transaction."""
    from django.db import connection
    from wagtail.models import Page, Site

    from govportal.portal.models import HomePage
    from govportal.portal.signals import profile_applied

    c = connection.cursor()
    # units
    cols, data = t.units
    ids = next_ids(c, "accounts_unit", len(data))
    umap = {r[0]: n for r, n in zip(data, ids, strict=True)}
    new = []
    for r in data:
        r = list(r)
        r[0] = umap[r[0]]
        r[cols.index("locality")] = code
        p = cols.index("parent_id")
        r[p] = umap.get(r[p]) if r[p] else None
        new.append(r)
    insert(c, "accounts_unit", cols, new)
    # groups, their permissions, unit-role links
    gcols, gdata = t.groups
    gids = next_ids(c, "auth_group", len(gdata))
    gmap = {r[0]: n for r, n in zip(gdata, gids, strict=True)}
    insert(
        c,
        "auth_group",
        gcols,
        [[gmap[r[0]], r[1].replace(f"［{t.code}/", f"［{code}/")] for r in gdata],
    )
    for table, (cols, data), fk in (
        ("auth_group_permissions", t.group_perms, {"group_id": gmap}),
        ("wagtailcore_groupcollectionpermission", t.gcp, {"group_id": gmap}),
        ("accounts_unitrolegroup", t.urg, {"group_id": gmap, "unit_id": umap}),
    ):
        ids = next_ids(c, table, len(data))
        out = []
        for r, n in zip(data, ids, strict=True):
            r = list(r)
            r[0] = n
            for k, m in fk.items():
                r[cols.index(k)] = m[r[cols.index(k)]]
            out.append(r)
        insert(c, table, cols, out)
    # pages of the site (home, column tree, sub-site index)
    cols, data = t.pages
    ids = next_ids(c, "wagtailcore_page", len(data))
    pmap = {r[0]: n for r, n in zip(data, ids, strict=True)}
    root = Page.get_first_root_node()
    # Beyond the templates' places (added by Wagtail, one after the other): a fixed place per site, so
    # that parallel workers never pick the same one.
    home_path = root.path + _step(100 + int(code[1:]))
    new_url = f"/{code}/"
    ix = {k: cols.index(k) for k in cols}
    out = []
    for r in data:
        r = list(r)
        old_path = r[ix["path"]]
        r[ix["id"]] = pmap[r[ix["id"]]]
        r[ix["path"]] = home_path + old_path[len(t.home_path) :]
        r[ix["url_path"]] = new_url + r[ix["url_path"]][len(t.home_url) :]
        if old_path == t.home_path:
            r[ix["slug"]] = code
            r[ix["title"]] = r[ix["draft_title"]] = profile.site_name
        r[ix["translation_key"]] = uuid.uuid4()
        for k in ("live_revision_id", "latest_revision_id", "locked_by_id", "owner_id", "alias_of_id"):
            if k in ix:
                r[ix[k]] = None
        r[ix["latest_revision_created_at"]] = None
        out.append(r)
    insert(c, "wagtailcore_page", cols, out)
    for table, cols, data in t.specific:
        out = []
        for r in data:
            r = list(r)
            r[0] = pmap[r[0]]
            if "locality" in cols:
                r[cols.index("locality")] = code
            out.append(r)
        insert(c, table, cols, out)
    for table, cols, data in t.col_units:
        ids = next_ids(c, table, len(data))
        out = []
        for r, n in zip(data, ids, strict=True):
            r = list(r)
            r[0] = n
            r[cols.index("columnpage_id")] = pmap[r[cols.index("columnpage_id")]]
            r[cols.index("unit_id")] = umap[r[cols.index("unit_id")]]
            out.append(r)
        insert(c, table, cols, out)
    # site and its settings
    home = HomePage.objects.get(pk=pmap[Page.objects.get(path=t.home_path).pk])
    site = Site.objects.create(
        hostname=HOST.format(code=code), port=80, root_page=home, site_name=profile.site_name
    )
    cols, data = t.settings
    ids = next_ids(c, "portal_portalsettings", len(data))
    out = []
    for r, n in zip(data, ids, strict=True):
        r = list(r)
        r[0] = n
        r[cols.index("site_id")] = site.pk
        out.append(r)
    insert(c, "portal_portalsettings", cols, out)
    cols, data = t.gsp
    ids = next_ids(c, "wagtailcore_groupsitepermission", len(data))
    insert(
        c,
        "wagtailcore_groupsitepermission",
        cols,
        [
            [
                n,
                *[
                    (gmap[v] if k == "group_id" else site.pk if k == "site_id" else v)
                    for k, v in zip(cols[1:], r[1:], strict=True)
                ],
            ]
            for r, n in zip(data, ids, strict=True)
        ],
    )
    # page permissions of the column units: the rows set_page_units wrote for the template
    cols, data = t.gpp
    ids = next_ids(c, "wagtailcore_grouppagepermission", len(data))
    out = []
    for r, n in zip(data, ids, strict=True):
        r = list(r)
        r[0] = n
        r[cols.index("group_id")] = gmap[r[cols.index("group_id")]]
        r[cols.index("page_id")] = pmap[r[cols.index("page_id")]]
        out.append(r)
    insert(c, "wagtailcore_grouppagepermission", cols, out)
    # the platform's own step: the workflow, the text-check policy (the profile signal)
    profile_applied.send(sender=HomePage, home=home, profile=profile)


_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _step(n: int) -> str:
    s = ""
    for _ in range(4):
        n, r = divmod(n, 36)
        s = _ALPHABET[r] + s
    return s


def _inc(step: str) -> str:
    n = 0
    for ch in step:
        n = n * 36 + _ALPHABET.index(ch)
    return _step(n + 1)


# --- items --------------------------------------------------------------------------------------------------


def make_items(code: str, n: int, gen, rng: random.Random) -> int:
    """``n`` live items in the site's leaf columns, with their search entries. Inside the caller's
    transaction."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from wagtail.models import Locale

    from govportal.accounts.models import Unit
    from govportal.portal.columns import home_for, main_columns
    from govportal.portal.models import ArticlePage
    from govportal.search.models import sort_key

    home = home_for(code)
    cols = list(main_columns(home).live().prefetch_related("units"))
    parents = {col.path[:-4] for col in cols}
    leaves = [col for col in cols if col.path not in parents and col.supply_method != "跳转链接"]
    if not leaves:
        return 0
    site_units = list(Unit.objects.filter(locality=code).values_list("pk", flat=True))
    by_path = {home.path: home.pk} | {col.path: col.pk for col in cols}
    weights = [1 / (k + 1) for k in range(len(leaves))]
    weights[0] = sum(weights[1:]) * 0.55  # the busiest column: about a third of the site's items
    ct = ContentType.objects.get_for_model(ArticlePage)
    locale = Locale.get_default()
    c = connection.cursor()
    ids = next_ids(c, "wagtailcore_page", n)
    counts = {col.pk: col.numchild for col in leaves}
    unit_ids = {col.pk: [u.pk for u in col.units.all()] for col in leaves}
    title_seg: dict[str, str] = {}
    pages, extra, entries = [], [], []
    analysis = gen.analysis
    for k in range(n):
        col = rng.choices(leaves, weights=weights)[0]
        counts[col.pk] += 1
        pk = ids[k]
        parts = gen.title("articlepage")
        title = "".join(parts)[:250]
        sentences = rng.choices(gen.sentences, k=rng.randint(10, 30))
        text = "".join(s[0] for s in sentences)
        body_seg = " " + " ".join(s[1] for s in sentences) + " "
        days = int(2900 * (1 - rng.random() ** 1.6))
        date = NOW - dt.timedelta(days=days, minutes=rng.randint(0, 600))
        col_units = unit_ids[col.pk]
        unit = col_units[0] if col_units and rng.random() < 0.8 else rng.choice(site_units)
        slug = f"t{date:%Y%m%d}_{pk}"
        path = col.path + _step(counts[col.pk])
        url_path = f"{col.url_path}{date:%Y%m}/{slug}.html"
        # the row Wagtail writes for a published page (wagtailcore_page, in PAGE_COLUMNS order)
        pages.append(
            (pk, path, col.depth + 1, 0, title, slug, True, False, url_path, "", False, "", None, None, False)
            + (
                ct.pk,
                None,
                False,
                None,
                date,
                None,
                date,
                title,
                None,
                None,
                uuid.uuid4(),
                locale.pk,
                None,
                None,
            )
        )
        paras = [text[i : i + 160] for i in range(0, len(text), 160)]
        extra.append(
            [
                pk,
                date,
                False,
                rng.choice(["本网", "", "新华社", "市政府办公室"]),
                "",
                unit,
                "unit",
                "",
                "",
                "",
                None,
                "",
                "[]",
                "".join(f"<p>{p}</p>" for p in paras),
            ]
        )
        above = [col.path[:i] for i in range(8, len(col.path) + 1, 4)]
        facets = [analysis.facet_ancestor(by_path[p]) for p in above if p in by_path]
        facets += [
            analysis.facet_parent(col.pk),
            analysis.facet_unit(unit),
            analysis.facet_kind("articlepage"),
        ]
        entries.append(
            (
                pk,
                sort_key(date, pk),
                path,
                url_path,
                title,
                title_seg.get(title) or title_seg.setdefault(title, analysis.segment(title, unigrams=True)),
                text,
                body_seg,
                f" {' '.join(facets)} ",
                "portal.articlepage",
                unit,
                col.pk,
                date,
                "",
                "",
                "",
                NOW,
            )
        )
    names = [
        "page_ptr_id",
        "date",
        "date_auto",
        "source",
        "author",
        "unit_id",
        "info_category",
        "index_number",
        "topic",
        "summary",
        "image_id",
        "video_url",
        "attachments",
        "body",
    ]
    raw = connection.connection
    with raw.cursor() as cur:
        for table, columns, data in (
            ("wagtailcore_page", PAGE_COLUMNS, pages),
            ("portal_articlepage", ", ".join(names), extra),
            ("search_searchentry", ENTRY_COLUMNS, entries),
        ):
            with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for e in data:
                    copy.write_row(e)
    c.executemany(
        "UPDATE wagtailcore_page SET numchild = %s WHERE id = %s", [(v, k) for k, v in counts.items()]
    )
    return n


PAGE_COLUMNS = (
    "id, path, depth, numchild, title, slug, live, has_unpublished_changes, url_path, seo_title, show_in_menus, "
    "search_description, go_live_at, expire_at, expired, content_type_id, owner_id, locked, "
    "latest_revision_created_at, first_published_at, live_revision_id, last_published_at, draft_title, locked_at, "
    "locked_by_id, translation_key, locale_id, alias_of_id, latest_revision_id"
)
ENTRY_COLUMNS = (
    "page_id, sort_key, path, url_path, title, title_seg, body, body_seg, facets, kind, unit_id, column_id, "
    "date, validity, document_number, document_key, indexed_at"
)


# --- the run ------------------------------------------------------------------------------------------------


def gin(state: str) -> None:
    from django.db import connection

    from govportal.search import fulltext

    with connection.cursor() as c:
        if state == "drop":
            for sql in fulltext.PG_DROP_INDEXES:
                c.execute(sql)
            return
        c.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'search_searchentry'")
        have = {r[0] for r in c.fetchall()}
        for sql in fulltext.PG_INDEXES:
            name = sql.split()[2]
            if name not in have:
                c.execute(sql)


def make_sites(todo: list[str], items_per_site: int, progress: int, label: str = "") -> None:
    """Make the sites ``todo`` in order, one transaction each (templates must be made before their copies)."""
    from django.db import connection, transaction
    from search_speed import Generator
    from wagtail.models import Site

    from govportal.portal.columns import apply_profile, home_for
    from govportal.rules.profile import load_profile

    gen = Generator()
    with connection.cursor() as c:
        c.execute("SET synchronous_commit = off")  # this session only: a crash loses the last sites, rerun
    done = finished()
    templates: dict[str, Template] = {}
    t0 = time.perf_counter()
    items_made = 0
    for n, code in enumerate(todo, start=1):
        i = int(code[1:])
        tcode = template_of(i)
        rng = random.Random(i)
        gen.rng = rng
        profile = load_profile(code)
        ts = time.perf_counter()
        with transaction.atomic():
            if code == tcode:
                apply_profile(profile)
                Site.objects.filter(root_page=home_for(code)).update(hostname=HOST.format(code=code))
            else:
                if tcode not in done:
                    raise SystemExit(f"模板站点 {tcode} 尚未生成")
                if tcode not in templates:
                    templates[tcode] = Template(tcode)
                clone_site(templates[tcode], code, profile)
            made = make_items(code, items_per_site, gen, rng)
            with connection.cursor() as c:
                if code != tcode:  # the root's count of children, last: the lock is held only to the commit
                    c.execute("UPDATE wagtailcore_page SET numchild = numchild + 1 WHERE depth = 1")
                c.execute(
                    f"INSERT INTO {BOOK} (code, template, items, seconds) VALUES (%s, %s, %s, %s)",
                    [code, tcode, made, time.perf_counter() - ts],
                )
        done[code] = made
        items_made += made
        if label and (n % progress == 0 or n == len(todo)):
            el = time.perf_counter() - t0
            print(
                f"  [{label}] {n} / {len(todo)} sites · {items_made:,} items in {el:.0f} s · load {os.getloadavg()[0]:.1f}",
                flush=True,
            )


def template_of(i: int) -> str:
    return code_of((i - 1) % len(TEMPLATES) + 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--items-per-site", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="processes writing sites at the same time")
    parser.add_argument("--progress", type=int, default=10, help="a progress line every N sites")
    parser.add_argument("--reset", action="store_true", help="drop every table first (a fresh database)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # internal: k/n, this process's share
    args = parser.parse_args()
    env()
    os.environ["GOVPORTAL_STATIC_PUBLISHING"] = "0"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if args.worker:
        k, of = (int(x) for x in args.worker.split("/"))
        done = finished()
        todo = [code_of(i) for i in range(1, args.sites + 1) if i % of == k and code_of(i) not in done]
        make_sites(todo, args.items_per_site, args.progress, label=f"worker {k + 1}")
        return

    started = time.perf_counter()
    if args.reset:
        with connection.cursor() as c:
            c.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", interactive=False, verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.0f} s", flush=True)
    codes = [write_profile(i) for i in range(1, args.sites + 1)]
    done = finished()
    todo = [c for c in codes if c not in done]
    print(f"{len(codes)} sites: {len(done)} finished before, {len(todo)} to make", flush=True)
    if todo:
        if len(todo) * args.items_per_site >= 100_000:
            gin("drop")
        # the templates first (Wagtail adds them one after the other), then the copies in parallel
        first = [c for c in todo if c == template_of(int(c[1:]))]
        if first:
            make_sites(first, args.items_per_site, args.progress, label="templates")
        t0 = time.perf_counter()
        before = len(finished())
        cmd = [
            sys.executable,
            __file__,
            "--sites",
            str(args.sites),
            "--items-per-site",
            str(args.items_per_site),
        ]
        cmd += ["--progress", str(args.progress)]
        procs = [subprocess.Popen([*cmd, "--worker", f"{k}/{args.workers}"]) for k in range(args.workers)]
        try:
            last = time.perf_counter()
            while any(p.poll() is None for p in procs):
                time.sleep(1)
                if time.perf_counter() - last >= 30:
                    last = time.perf_counter()
                    now = len(finished())
                    el = last - t0
                    rate = (now - before) / el if el else 0
                    left = (len(codes) - now) / rate / 60 if rate else 0
                    print(
                        f"{now:>5} / {len(codes)} sites · {(now - before) * args.items_per_site / el:.0f} items/s, "
                        f"{rate * 60:.1f} sites/min · about {left:.0f} min left · load {os.getloadavg()[0]:.1f}",
                        flush=True,
                    )
        except BaseException:
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait()
            raise
        if any(p.returncode for p in procs):
            raise SystemExit(f"a worker failed: exit codes {[p.returncode for p in procs]}")
    t = time.perf_counter()
    gin("create")
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE")
    print(f"full-text indexes and statistics in {time.perf_counter() - t:.0f} s", flush=True)
    done = finished()
    print(
        f"done: {len(done)} sites, {sum(done.values()):,} items; this run {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    import signal

    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    main()

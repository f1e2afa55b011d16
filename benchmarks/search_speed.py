"""Search speed over 200,000 generated items, on SQLite (FTS5) and PostgreSQL.

    .venv/bin/python benchmarks/search_speed.py                 # both databases, 200,000 items
    .venv/bin/python benchmarks/search_speed.py --db sqlite --items 50000
    .venv/bin/python benchmarks/search_speed.py --write         # also append the figures to RESULTS-public.md

PostgreSQL: a server on 127.0.0.1 (``--pg-url``, default postgres://postgres@127.0.0.1:5432/postgres);
the script creates and drops its own database ``govportal_bench_search``. Nothing but 127.0.0.1 is
accepted. SQLite: a temporary GOVPORTAL_HOME, removed afterwards. Takes about 3-6 minutes per database
(generation and indexing dominate; the timed part is about a minute).

Method
------
1. A fresh database: all migrations, the 钦州 profile (units, the real column tree).
2. 200,000 items written straight into the index table ``search_searchentry`` in bulk (SQLite: the
   FTS5 triggers index each row; PostgreSQL: COPY with the GIN indexes dropped, then rebuilt, then
   VACUUM ANALYZE) — not through Wagtail page creation, which would take hours and test Wagtail.
   The text: titles built from templates of real government titles (unit + 关于 + matter + genre) over
   about 200 terms of government work; bodies of 20-45 sentences drawn from a pool of 30,000 sentences
   of words from jieba's dictionary in proportion to their frequency, with the government terms mixed
   in on a Zipf curve. Each word's indexed form is what the indexer produces for it
   (``analysis.index_tokens``), so the index holds exactly what real items would. Items are spread over
   the real columns and units, ten years of dates, ten kinds (60 % articles, 15 % policy documents with
   document numbers and validity).
3. A query mix of 70 searches a citizen or an editor makes: common words (通知, 工作), specific terms
   (公积金提取, 义务教育 招生), several words, a whole title, document numbers exact and by organ/year,
   every filter (column, unit, kind, validity, date range) alone and combined, sorted by date, pages
   2-5, a typo that finds nothing (with the "did you mean" check) and a query of only rare words.
4. Each search is the full ``govportal.search.service.search`` call the /search/ page makes: parse,
   count, fetch, highlight, snippet, names of columns and units, suggestions. One warm-up pass, then
   five passes in shuffled order; percentiles over all timed runs. Also: the whole /search/ page
   (form, template) for the same mix, through Django's test client.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS-public.md"
BENCH_DB = "govportal_bench_search"

GOV_TERMS = """义务教育 招生 入学 公积金 住房公积金 提取 营商环境 优化 低保 最低生活保障 医保 医疗保障 养老保险 社会保险
就业 创业 招聘 人才 疫情防控 防汛 抗旱 安全生产 消防 食品安全 乡村振兴 农业 产业 项目 建设 规划 环境保护 生态
污染 治理 交通 道路 公交 城市管理 市容 绿化 垃圾分类 不动产登记 户籍 身份证 社保卡 补贴 资金 预算 决算 财政
审计 统计 经济 工业 园区 港口 物流 旅游 文化 体育 卫生 健康 医院 疫苗 学校 教师 学生 幼儿园 高考 中考 助学
残疾人 老年人 儿童 妇女 退役军人 民政 救助 慈善 住房 保障房 棚户区 改造 拆迁 征收 土地 矿产 林业 水利 水库
电力 燃气 供水 价格 市场监管 质量 企业 个体 许可 审批 政务服务 一网通办 跨省通办 放管服 改革 监督 检查
通报 表彰 任免 人事 考试 公务员 事业单位 选调 信访 投诉 举报 热线 12345 政府信息公开 依申请公开 政策解读
规范性文件 听证 征求意见 草案 办法 规定 实施细则 方案 意见 通知 公告 通告 决定 批复 报告 年度 计划 总结
会议 召开 部署 推进 落实 调研 座谈 培训 宣传 应急 预案 演练 气象 台风 暴雨 地震 防灾 减灾 税务 发票 减税
降费 金融 贷款 小微企业 外贸 口岸 自贸区 东盟 海关 边境 民族 宗教 团结 法治 普法 司法 公证 律师 调解""".split()
TITLE_UNITS = """钦州市人民政府 钦州市人民政府办公室 市教育局 市财政局 市民政局 市人力资源社会保障局 市住房城乡建设局
市自然资源局 市生态环境局 市交通运输局 市农业农村局 市商务局 市卫生健康委 市市场监管局 市应急管理局
钦南区人民政府 钦北区人民政府 灵山县人民政府 浦北县人民政府 市住房公积金管理中心 市医保局 市税务局""".split()
TITLE_VERBS = [
    "关于做好",
    "关于印发",
    "关于开展",
    "关于进一步加强",
    "关于公布",
    "关于调整",
    "关于推进",
    "关于落实",
]
TITLE_ENDS = [
    "工作的通知",
    "实施方案的通知",
    "管理办法的通知",
    "的公告",
    "的通告",
    "的意见",
    "的决定",
    "的批复",
    "情况的报告",
    "的实施细则",
]
NEWS_TITLES = [
    "{u}召开{a}{b}工作会议",
    "{u}开展{a}{b}专项检查",
    "我市{a}{b}工作取得新进展",
    "{u}部署{a}{b}工作",
    "{a}{b}工作推进会召开",
    "{u}调研{a}{b}情况",
    "全市{a}{b}培训班开班",
]
DOC_ORGS = [
    "钦政办",
    "钦政发",
    "钦政规",
    "钦政办规",
    "钦教发",
    "钦财规",
    "钦民发",
    "钦人社发",
    "钦住建发",
    "钦环发",
]
KINDS = [
    ("articlepage", 60),
    ("policydocumentpage", 15),
    ("interpretationpage", 5),
    ("serviceguidepage", 5),
    ("pressconferencepage", 3),
    ("datareleasepage", 3),
    ("repostpage", 5),
    ("leaderprofilepage", 1),
    ("organisationpage", 1),
    ("specialtopicpage", 2),
]
VALIDITY = [("有效", 85), ("已修改", 5), ("已废止", 7), ("已失效", 3)]
PUNCT = "，，，，。。、；"


def machine(with_load: bool = True) -> str:
    """The machine a benchmark ran on, for its results (the other scripts import this one)."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0
    text = f"{platform.system()} {platform.release()}, {os.cpu_count()} CPU ({cpu}){mem}, Python {platform.python_version()}"
    return text + (f", load {load:.1f} at start" if with_load else "")


# --- generation ---------------------------------------------------------------------------------------------


class Generator:
    def __init__(self, seed: int = 2026):
        from govportal.search import analysis

        self.analysis = analysis
        self.rng = random.Random(seed)
        tok = analysis.tokenizer()
        words = [(w, f) for w, f in tok.FREQ.items() if f >= 50 and 1 <= len(w) <= 4 and analysis.is_cjk(w)]
        words.sort(key=lambda wf: -wf[1])
        words = words[:60_000]
        self.words = [w for w, _ in words]
        self.cum = list(itertools.accumulate(f for _, f in words))
        self.terms = GOV_TERMS
        self.term_cum = list(itertools.accumulate(1 / (i + 1) for i in range(len(self.terms))))
        self._seg: dict[str, str] = {}
        self.sentences = [self._sentence() for _ in range(30_000)]

    def seg(self, word: str) -> str:
        s = self._seg.get(word)
        if s is None:
            s = self._seg[word] = " ".join(self.analysis.index_tokens(word))
        return s

    def _sentence(self) -> tuple[str, str]:
        rng = self.rng
        n = rng.randint(6, 18)
        words = rng.choices(self.words, cum_weights=self.cum, k=n)
        for _ in range(rng.choice((0, 1, 1, 2))):
            words.insert(rng.randrange(len(words) + 1), rng.choices(self.terms, cum_weights=self.term_cum)[0])
        raw = "".join(words) + rng.choice(PUNCT)
        return raw, " ".join(self.seg(w) for w in words)

    def term(self) -> str:
        return self.rng.choices(self.terms, cum_weights=self.term_cum)[0]

    def title(self, kind: str) -> list[str]:
        rng = self.rng
        a, b = self.term(), self.term()
        if kind in ("policydocumentpage", "interpretationpage") or rng.random() < 0.3:
            parts = [rng.choice(TITLE_UNITS), rng.choice(TITLE_VERBS), a, b, rng.choice(TITLE_ENDS)]
            if kind == "interpretationpage":
                parts = ["《", *parts, "》政策解读"]
            return parts
        return [rng.choice(NEWS_TITLES).format(u=rng.choice(TITLE_UNITS), a=a, b=b)]

    def item(self, i: int, columns, units, base_id: int):
        from govportal.search.models import sort_key

        rng = self.rng
        kind = rng.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
        parts = self.title(kind)
        title = "".join(parts)
        title_seg = self.analysis.segment(title, unigrams=True)
        sentences = rng.choices(self.sentences, k=rng.randint(20, 45))
        body = "".join(s[0] for s in sentences)
        body_seg = " " + " ".join(s[1] for s in sentences) + " "
        column_id, column_path, ancestors, url_path = rng.choice(columns)
        unit_id = rng.choice(units)
        days = int(3650 * (1 - rng.random() ** 1.6))  # more recent items are more numerous
        date = dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC) - dt.timedelta(
            days=days, minutes=rng.randint(0, 600)
        )
        validity = number = key = ""
        facets = [f"p{a}" for a in ancestors] + [f"u{unit_id}", self.analysis.facet_kind(kind)]
        if kind == "policydocumentpage":
            validity = rng.choices([v for v, _ in VALIDITY], weights=[w for _, w in VALIDITY])[0]
            facets.append(self.analysis.facet_validity(validity))
            number = f"{rng.choice(DOC_ORGS)}〔{date.year}〕{rng.randint(1, 120)}号"
            key = self.analysis.document_key(number)
            body = number + body
            body_seg = " " + " ".join(self.analysis.index_tokens(number)) + body_seg
        page_id = base_id + i
        return (
            page_id,
            sort_key(date, page_id),
            column_path + f"{i:08d}",
            f"{url_path}item{i}/",
            title,
            title_seg,
            body,
            body_seg,
            f" {' '.join(facets)} ",
            f"portal.{kind}",
            unit_id,
            column_id,
            date,
            validity,
            number,
            key,
            date,
        )


COLUMNS = (
    "page_id, sort_key, path, url_path, title, title_seg, body, body_seg, facets, kind, unit_id, column_id, "
    "date, validity, document_number, document_key, indexed_at"
)


def site_structure():
    from wagtail.models import Page

    from govportal.accounts.models import Unit
    from govportal.portal.columns import home_for, main_columns

    home = home_for("qinzhou")
    columns = []
    paths = dict(Page.objects.filter(path__startswith=home.path).values_list("path", "id"))
    for c in main_columns(home).filter(numchild=0):
        ancestors = [
            paths[c.path[:i]]
            for i in range(len(home.path), len(c.path) + 1, Page.steplen)
            if c.path[:i] in paths
        ]
        columns.append((c.pk, c.path, ancestors, c.url_path))
    units = list(Unit.objects.filter(locality="qinzhou").values_list("pk", flat=True))
    return home, columns, units


def generate(n: int, out=print) -> float:
    from django.db import connection, transaction

    from govportal.search import fulltext

    started = time.perf_counter()
    gen = Generator()
    home, columns, units = site_structure()
    out(f"  site: {len(columns)} leaf columns, {len(units)} units; generating {n:,} items …")
    base_id = 10_000_000
    vendor = connection.vendor
    batch = 5000
    if vendor == "postgresql":
        with connection.cursor() as c:
            for sql in fulltext.PG_DROP_INDEXES:
                c.execute(sql)
        raw = connection.connection
        with raw.cursor() as cur:
            with cur.copy(f"COPY search_searchentry ({COLUMNS}) FROM STDIN") as copy:
                for i in range(n):
                    copy.write_row(gen.item(i, columns, units, base_id))
        raw.commit()
        out(f"  rows copied in {time.perf_counter() - started:.0f} s; building GIN indexes …")
        with connection.cursor() as c:
            for sql in fulltext.PG_INDEXES:
                c.execute(sql)
        with connection.cursor() as c:
            c.execute("VACUUM ANALYZE search_searchentry")
    else:
        # The rows first, then each full-text index filled in one statement (what the triggers would do
        # row by row), then the triggers back.
        with connection.cursor() as c:
            for stmt in fulltext._SQLITE_DROP_TRIGGERS:
                c.execute(stmt)
        placeholders = ", ".join(["%s"] * 17)
        sql = f"INSERT INTO search_searchentry ({COLUMNS}) VALUES ({placeholders})"
        for start in range(0, n, batch):
            rows = [gen.item(i, columns, units, base_id) for i in range(start, min(n, start + batch))]
            with transaction.atomic(), connection.cursor() as c:
                c.executemany(sql, rows)
            if (start // batch) % 8 == 0:
                out(f"    {start + len(rows):,} …")
        out(f"  rows written in {time.perf_counter() - started:.0f} s; filling the full-text indexes …")
        with transaction.atomic(), connection.cursor() as c:
            c.execute(
                f"INSERT INTO {fulltext.FTS_TABLE}(rowid, title_seg, body_seg, facets) "
                "SELECT sort_key, title_seg, body_seg, facets FROM search_searchentry"
            )
            c.execute(
                f"INSERT INTO {fulltext.TITLE_FTS_TABLE}(rowid, title_seg, facets) "
                "SELECT sort_key, title_seg, facets FROM search_searchentry"
            )
            for stmt in fulltext._SQLITE_TRIGGERS:
                c.execute(stmt)
        with connection.cursor() as c:
            c.execute(f"INSERT INTO {fulltext.FTS_TABLE}({fulltext.FTS_TABLE}) VALUES ('optimize')")
            c.execute(
                f"INSERT INTO {fulltext.TITLE_FTS_TABLE}({fulltext.TITLE_FTS_TABLE}) VALUES ('optimize')"
            )
            c.execute("ANALYZE")
    return time.perf_counter() - started


# --- the query mix ------------------------------------------------------------------------------------------


def query_mix(home, columns, units):
    """(label, text, filters kwargs, page, sort) for 70 searches."""
    from wagtail.models import Page

    from govportal.search.models import SearchEntry

    channels = list(Page.objects.child_of(home).values_list("pk", flat=True))
    rng = random.Random(7)
    some = list(
        SearchEntry.objects.exclude(document_number="").values_list("document_number", flat=True)[:200]
    )
    title = SearchEntry.objects.order_by("-sort_key").values_list("title", flat=True).first()
    mix = []
    words = [
        "通知",
        "工作",
        "教育",
        "公积金",
        "招生",
        "营商环境",
        "低保",
        "养老保险",
        "疫情防控",
        "防汛",
        "安全生产",
        "乡村振兴",
        "不动产登记",
        "招聘",
        "补贴",
        "交通",
        "垃圾分类",
        "台风",
        "发票",
        "东盟",
    ]
    for w in words:
        mix.append(("word", w, {}, 1, "relevance"))
    for q in [
        "公积金 提取",
        "义务教育 招生",
        "营商环境 优化",
        "低保 申请",
        "养老保险 补贴 标准",
        "城市管理 市容 绿化",
        "疫情防控 学校 学生",
        "关于做好防汛工作的通知",
    ]:
        mix.append(("several words", q, {}, 1, "relevance"))
    mix.append(("whole title", title, {}, 1, "relevance"))
    for n in rng.sample(some, 4):
        mix.append(("document number", n.replace("〔", "[").replace("〕", "]"), {}, 1, "relevance"))
    for org in ("钦政办〔2024〕", "钦教发[2022]"):
        mix.append(("document organ/year", org, {}, 1, "relevance"))
    for w in ["通知", "教育", "公积金", "营商环境"]:
        mix.append(("column filter", w, {"column_id": rng.choice(channels)}, 1, "relevance"))
        mix.append(("unit filter", w, {"unit_id": rng.choice(units)}, 1, "relevance"))
        mix.append(("kind filter", w, {"kind": "policydocumentpage"}, 1, "relevance"))
        mix.append(
            (
                "date range",
                w,
                {"date_from": dt.date(2024, 1, 1), "date_to": dt.date(2024, 12, 31)},
                1,
                "relevance",
            )
        )
    for w in ["规范性文件", "补贴", "办法"]:
        mix.append(("validity filter", w, {"kind": "policydocumentpage", "validity": "有效"}, 1, "relevance"))
    mix.append(
        (
            "all filters",
            "工作",
            {
                "column_id": channels[0],
                "unit_id": units[0],
                "kind": "articlepage",
                "date_from": dt.date(2022, 1, 1),
                "date_to": dt.date(2026, 12, 31),
            },
            1,
            "relevance",
        )
    )
    for w in ["通知", "工作", "公积金", "招生", "养老保险 补贴"]:
        mix.append(("sorted by date", w, {}, 1, "date"))
    for w, p in [("通知", 2), ("教育", 3), ("公积金", 2), ("工作", 5)]:
        mix.append(("later page", w, {}, p, "relevance"))
    for w in ["公基金", "医宝", "营商环竟", "钦州港口岸物流 火星探测"]:
        mix.append(("no hits + did you mean", w, {}, 1, "relevance"))
    for w in ["的", "关于", "做好 工作 通知"]:
        mix.append(("very common", w, {}, 1, "relevance"))
    return mix


def time_mix(mix, home, passes: int, out=print):
    from django.test import Client

    from govportal.search.service import Filters, search

    timings: dict[str, list[float]] = {}
    all_times: list[float] = []
    totals = {}
    runs = [(m, p) for p in range(passes + 1) for m in mix]
    rng = random.Random(11)
    for _label, text, filters, page, sort in mix:  # warm-up (jieba, homophone table, OS cache)
        search(text, Filters(site_root_id=home.pk, **filters), page=page, sort=sort)
    timed = [m for m, p in runs if p > 0]
    rng.shuffle(timed)
    for label, text, filters, page, sort in timed:
        t = time.perf_counter()
        r = search(text, Filters(site_root_id=home.pk, **filters), page=page, sort=sort)
        ms = (time.perf_counter() - t) * 1000
        timings.setdefault(label, []).append(ms)
        all_times.append(ms)
        totals[(text, tuple(sorted(filters.items())), page, sort)] = r.total
    # The whole page for the same mix, once each, through Django (form, search, template).
    client = Client()
    page_times = []
    for _label, text, filters, page, sort in mix:
        params = {"q": text, "page": page, "sort": sort}
        for k, v in filters.items():
            params[{"column_id": "column", "unit_id": "unit"}.get(k, k)] = (
                v.isoformat() if hasattr(v, "isoformat") else v
            )
        t = time.perf_counter()
        resp = client.get("/search/", params, HTTP_HOST="127.0.0.1")
        page_times.append((time.perf_counter() - t) * 1000)
        assert resp.status_code == 200
    return timings, all_times, page_times, totals


def pct(values, p):
    values = sorted(values)
    if not values:
        return 0.0
    k = (len(values) - 1) * p / 100
    f = int(k)
    c = min(f + 1, len(values) - 1)
    return values[f] + (values[c] - values[f]) * (k - f)


# --- one database -------------------------------------------------------------------------------------------


def run_one(db: str, items: int, passes: int, pg_url: str) -> str:
    """Run the benchmark on one database in this process; returns the Markdown section."""
    lines: list[str] = []

    def out(s=""):
        print(s, flush=True)

    keep = os.environ.get(
        "BENCH_KEEP_HOME"
    )  # internal: a kept GOVPORTAL_HOME (and PostgreSQL database) to reuse
    home_dir = keep or tempfile.mkdtemp(prefix="govportal-bench-search-")
    reuse = bool(keep) and db == "sqlite" and (Path(home_dir) / "govportal.sqlite3").exists()
    os.environ["GOVPORTAL_HOME"] = home_dir
    os.environ["GOVPORTAL_STATIC_PUBLISHING"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govportal.settings")
    if db == "postgresql":
        u = urlparse(pg_url)
        if u.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("只对本机（127.0.0.1）的 PostgreSQL 运行基准测试。")
        import psycopg

        admin = psycopg.connect(pg_url, autocommit=True)
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        reuse = bool(keep) and bool(exists)  # BENCH_KEEP_HOME also keeps the PostgreSQL database
        if not reuse:
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
            admin.execute(f"CREATE DATABASE {BENCH_DB}")
        os.environ["DATABASE_URL"] = u._replace(path=f"/{BENCH_DB}").geturl()
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from govportal.portal.columns import load
    from govportal.search import fulltext

    try:
        t = time.perf_counter()
        if reuse:
            gen_s = 0.0
            out(f"[{db}] reusing {home_dir}")
        else:
            call_command("migrate", interactive=False, verbosity=0)
            load("qinzhou")
            out(
                f"[{db}] migrated and loaded the 钦州 profile in {time.perf_counter() - t:.0f} s (engine: {fulltext.engine(connection)})"
            )
            gen_s = generate(items, out=lambda s: out(f"[{db}] {s}"))
        out(f"[{db}] {items:,} items generated and indexed in {gen_s:.0f} s")
        from govportal.search.models import SearchEntry

        count = SearchEntry.objects.count()
        home, columns, units = site_structure()
        mix = query_mix(home, columns, units)
        timings, all_times, page_times, totals = time_mix(mix, home, passes)
        size = ""
        with connection.cursor() as c:
            if db == "postgresql":
                c.execute("SELECT pg_size_pretty(pg_total_relation_size('search_searchentry'))")
                size = c.fetchone()[0]
            else:
                c.execute("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
                size = f"{c.fetchone()[0] / 1e6:.0f} MB (whole database file)"
        engine = fulltext.engine(connection)
        version = (
            f"{connection.pg_version // 10000}.{connection.pg_version % 10000}"
            if db == "postgresql"
            else __import__("sqlite3").sqlite_version
        )
        lines.append(f"#### {'PostgreSQL' if db == 'postgresql' else 'SQLite'} {version} (engine `{engine}`)")
        lines.append("")
        lines.append(
            f"{count:,} items in the index ({size}); generated and indexed in {gen_s:.0f} s. "
            f"{len(mix)} searches × {passes} passes = {len(all_times)} timed searches."
        )
        lines.append("")
        lines.append(
            f"- `service.search` (what /search/ and the back office call): **p50 {pct(all_times, 50):.1f} ms, "
            f"p95 {pct(all_times, 95):.1f} ms**, p99 {pct(all_times, 99):.1f} ms, max {max(all_times):.1f} ms"
        )
        lines.append(
            f"- the whole /search/ page through Django (form, search, template), each search once: "
            f"p50 {pct(page_times, 50):.1f} ms, p95 {pct(page_times, 95):.1f} ms, max {max(page_times):.1f} ms"
        )
        lines.append("")
        lines.append("| kind of search | searches | p50 ms | p95 ms | max ms |")
        lines.append("|---|---:|---:|---:|---:|")
        for label, values in timings.items():
            lines.append(
                f"| {label} | {len(values)} | {pct(values, 50):.1f} | {pct(values, 95):.1f} | {max(values):.1f} |"
            )
        lines.append("")
        for line in lines:
            out(line)
    finally:
        from django.db import connections

        connections.close_all()
        if db == "postgresql" and not keep:
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        if not keep:
            shutil.rmtree(home_dir, ignore_errors=True)
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument(
        "--write", action="store_true", help=f"append the results to {RESULTS.relative_to(ROOT)}"
    )
    parser.add_argument(
        "--section", help=argparse.SUPPRESS
    )  # internal: run one database, print Markdown to this file
    args = parser.parse_args()

    if args.section:
        text = run_one(args.db, args.items, args.passes, args.pg_url)
        Path(args.section).write_text(text, encoding="utf-8")
        return
    dbs = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    started = dt.datetime.now().astimezone()
    header = [
        f"### Search over {args.items:,} generated items — {started:%Y-%m-%d %H:%M %Z}",
        "",
        f"Machine: {machine()}.",
        "",
        "Command: `.venv/bin/python benchmarks/search_speed.py"
        + (f" --db {args.db}" if args.db != "both" else "")
        + (f" --items {args.items}" if args.items != 200_000 else "")
        + "`",
        "",
    ]
    sections = []
    for db in dbs:  # each database in its own process (its own settings)
        with tempfile.NamedTemporaryFile("r", suffix=".md", delete=False) as f:
            path = f.name
        cmd = [
            sys.executable,
            __file__,
            "--db",
            db,
            "--items",
            str(args.items),
            "--passes",
            str(args.passes),
            "--pg-url",
            args.pg_url,
            "--section",
            path,
        ]
        rc = subprocess.run(cmd, timeout=3600).returncode
        text = Path(path).read_text(encoding="utf-8") if rc == 0 else f"#### {db}: failed (exit {rc})"
        os.unlink(path)
        sections.append(text)
    report = "\n".join(header) + "\n" + "\n\n".join(sections) + "\n"
    print()
    print(report)
    if args.write:
        with open(RESULTS, "a", encoding="utf-8") as f:
            f.write("\n" + report)
        print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()

"""``govportal backup`` / ``govportal restore`` lose nothing: after a backup, the site is damaged (an item and a
letter deleted, uploaded files removed, a new item added), and the restore brings back exactly what was
backed up — pages, every revision, letters, document and attachment bytes. A damaged archive is refused with
a Chinese message and changes nothing.

The round trip runs the real commands in a separate process, on a scratch copy of the test database (SQLite:
the online backup API; PostgreSQL: a scratch database), so the test database itself is never replaced.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# Marked so that pytest-django creates the test database; the module-scoped ``scratch`` copies it before the
# test's own transaction begins.
pytestmark = pytest.mark.django_db

SETUP = """
import django; django.setup()
"""

SEED = (
    SETUP
    + """
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from govportal.interaction.workflow import submit_letter
from govportal.portal.columns import home_for
from govportal.portal.models import ArticlePage
from tests.conftest import column

home = home_for("qinzhou")
col = column(home, "通知公告")
page = ArticlePage(title="备份测试信息", body="<p>第一稿</p>")
col.add_child(instance=page)
page.save_revision()
page.body = "<p>第二稿</p>"
page.save_revision().publish()
page.body = "<p>第三稿（草稿）</p>"
page.save_revision()
doc = get_document_model().objects.create(title="附件", file=ContentFile(bytes(range(256)) * 40, name="fujian.pdf"))
att = ContentFile(b"\\x89PNG\\r\\n\\x1a\\n" + bytes(500), name="xianchang.png")
submit_letter(locality="qinzhou", token_nonce="backup-1", type="complaint", subject="路灯不亮",
              content="小区门口路灯坏了一个月。", writer_name="李明", writer_contact="13877700000",
              consent_publish=True, attachments=[att])
"""
)

STATE_FN = """
import hashlib, json
from wagtail.documents import get_document_model
from wagtail.models import Page, Revision
from govportal.interaction.models import Letter, LetterAttachment
from govportal.portal.models import ArticlePage

def sha(f):
    try:
        with f.open("rb") as fh:
            return hashlib.sha256(fh.read()).hexdigest()
    except FileNotFoundError:  # a document of the copied test database whose file lives elsewhere
        return "missing"

def print_state():
  page = ArticlePage.objects.filter(title="备份测试信息").first()
  print("STATE=" + json.dumps({
    "pages": Page.objects.count(),
    "live_body": str(page.body) if page else None,
    "revisions": [str(r.content.get("body")) for r in Revision.objects.filter(object_id=str(page.pk)).order_by("pk")] if page else [],
    "letters": sorted((l.query_code, l.subject) for l in Letter.objects.all()),
    "attachments": sorted(sha(a.file) for a in LetterAttachment.objects.filter(letter__subject="路灯不亮")),
    "documents": sorted((d.title, sha(d.file)) for d in get_document_model().objects.all()),
  }, ensure_ascii=False, sort_keys=True), flush=True)
"""
STATE = SETUP + STATE_FN + "print_state()\n"

DAMAGE = (
    SETUP
    + """
import shutil
from django.conf import settings
from govportal.interaction.models import Letter
from govportal.portal.models import ArticlePage
from govportal.portal.columns import home_for
from tests.conftest import column

ArticlePage.objects.get(title="备份测试信息").delete()
Letter.objects.all().delete()
shutil.rmtree(settings.MEDIA_ROOT)
column(home_for("qinzhou"), "通知公告").add_child(instance=ArticlePage(title="备份之后的新信息"))
"""
)

# The refused restores run in the damaged site's process, through the same entry point as the command line
# (``govportal.cli.main``), each with its stderr and exit status printed; a refusal touches nothing before it
# exits, and the state printed after them is read from the database again.
REFUSALS = """
import contextlib, io, json, sys
from govportal.cli import main

def attempt(*argv):
    err = io.StringIO()
    code = 0
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            main(["govportal", *argv])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    print("REFUSAL=" + json.dumps({"code": code, "stderr": err.getvalue()}, ensure_ascii=False), flush=True)

for argv in json.loads(sys.argv[1]):
    attempt(*argv)
"""


@pytest.fixture(scope="module")
def scratch(tmp_path_factory, django_db_setup, django_db_blocker):
    """Environment of a process using a scratch copy of the test database (committed state: the 钦州 profile),
    copied outside any test transaction."""
    tmp_path = tmp_path_factory.mktemp("ops")
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "GOVPORTAL_HOME", "MEDIA_ROOT")}
    env.update(
        {"GOVPORTAL_HOME": str(home), "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "govportal.settings"}
    )
    if connection.vendor == "sqlite":
        import sqlite3

        path = tmp_path / "scratch.sqlite3"
        with django_db_blocker.unblock():
            connection.ensure_connection()
            target = sqlite3.connect(path)
            connection.connection.backup(target)
            target.close()
        env["DATABASE_URL"] = f"sqlite:///{path}"
        yield env
        return
    if connection.vendor != "postgresql":
        pytest.skip("backup supports SQLite and PostgreSQL")
    db = connection.settings_dict
    name = f"{db['NAME']}_ops"
    args = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"] or "postgres"]
    penv = dict(os.environ, PGPASSWORD=db.get("PASSWORD") or "")
    subprocess.run(["dropdb", *args, "--if-exists", name], env=penv, check=True)
    subprocess.run(["createdb", *args, name], env=penv, check=True)
    dump = tmp_path / "seed.pgdump"
    subprocess.run(["pg_dump", *args, "-Fc", "-f", str(dump), db["NAME"]], env=penv, check=True)
    subprocess.run(["pg_restore", *args, "--no-owner", "-d", name, str(dump)], env=penv, check=True)
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    env["DATABASE_URL"] = f"postgres://{user}{password}@{args[1]}:{args[3]}/{name}"
    try:
        yield env
    finally:
        subprocess.run(["dropdb", *args, "--if-exists", name], env=penv)


def run(env, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "govportal.cli", *argv],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def script(env, code: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def states(out: str) -> list[dict]:
    return [json.loads(line[6:]) for line in out.splitlines() if line.startswith("STATE=")]


def state(env) -> dict:
    return states(script(env, STATE).stdout)[-1]


def test_a_round_trip_loses_nothing_and_a_damaged_archive_is_refused(scratch, tmp_path):
    # one process seeds and reads the state (each process costs a Django start-up)
    (before,) = states(script(scratch, SEED + STATE_FN + "print_state()\n").stdout)
    assert before["revisions"] == ["<p>第一稿</p>", "<p>第二稿</p>", "<p>第三稿（草稿）</p>"]
    assert before["live_body"] == "<p>第二稿</p>" and "路灯不亮" in [
        subject for _, subject in before["letters"]
    ]
    assert before["attachments"] and "missing" not in before["attachments"]
    assert dict(before["documents"])["附件"] != "missing"

    archive = tmp_path / "backup.tar.gz"
    done = run(scratch, "backup", "--output", str(archive))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "已备份" in done.stdout and archive.is_file()
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["engine"] == connection.vendor and "wagtailcore" in manifest["migrations"]
    assert any(n.startswith("files/media/documents/") for n in names)
    assert any(n.startswith("files/private/") for n in names)  # letter attachments live outside MEDIA_ROOT

    # damaged archives: one byte of the database changed; cut in half
    import io

    bad = tmp_path / "bad.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(bad, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read()
            if member.name == manifest["database"]:
                data = data[:-1] + bytes([data[-1] ^ 1])
            dst.addfile(member, io.BytesIO(data))
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])

    # one process: damage the site, read its state, try the three refused restores, read the state again
    attempts = [
        ["restore", str(bad), "--yes"],
        ["restore", str(truncated), "--yes"],
        ["restore", str(archive)],
    ]
    code = SETUP + STATE_FN + DAMAGE.replace(SETUP, "") + "print_state()\n" + REFUSALS + "print_state()\n"
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(attempts)],
        env=scratch,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    damaged, after_refusals = states(done.stdout)
    assert damaged["letters"] == [] and damaged["live_body"] is None and damaged["pages"] == before["pages"]
    refusals = [json.loads(line[8:]) for line in done.stdout.splitlines() if line.startswith("REFUSAL=")]
    flipped, cut, unconfirmed = refusals
    assert flipped["code"] != 0 and f"{manifest['database']} 的校验值不符，未做任何恢复" in flipped["stderr"]
    assert cut["code"] != 0 and "备份文件" in cut["stderr"] and "未做任何恢复" in cut["stderr"]
    assert unconfirmed["code"] != 0 and "确认无误后请加 --yes" in unconfirmed["stderr"]
    assert after_refusals == damaged

    done = run(scratch, "restore", str(archive), "--yes")
    assert done.returncode == 0, done.stderr[-3000:]
    assert state(scratch) == before

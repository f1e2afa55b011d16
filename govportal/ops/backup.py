"""Backup and restore of one site: the database and every stored file, in one archive.

``govportal backup [--output FILE]`` writes ``govportal-backup-<time>.tar.gz``:

- ``database.sqlite3`` (SQLite: the online backup API — a consistent copy even while the site writes, WAL
  included) or ``database.pgdump`` (PostgreSQL: ``pg_dump --format=custom``). The database's own tools,
  not ``dumpdata``: they keep everything exactly — every table of every app (Wagtail's revisions, workflow
  states, the search index, the task queue), sequences, constraints — where a JSON dump loses what no
  model describes and is slow to load.
- ``files/media/…`` (MEDIA_ROOT: documents, images, renditions) and ``files/private/…`` (letter attachments
  and other files kept outside MEDIA_ROOT).
- ``manifest.json``: format, time, database engine, the applied migrations, and the size and SHA-256 of
  every member.

``govportal restore FILE --yes`` first checks the whole archive — every member listed, none missing,
none extra, each size and checksum right, the engine the configured one — and refuses a damaged archive
with a Chinese message before touching anything; then replaces the database and the file folders.
The secret key is not in the archive (keep it with the deployment's configuration).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connections

FORMAT = 1
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A Chinese message for the operator."""


@dataclass
class Summary:
    path: Path
    files: int
    bytes: int
    engine: str


def _engine() -> str:
    engine = settings.DATABASES["default"]["ENGINE"]
    if "sqlite" in engine:
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"不支持备份此类数据库：{engine}（只支持 SQLite 和 PostgreSQL）")


def file_roots() -> dict[str, Path]:
    return {
        "media": Path(settings.MEDIA_ROOT),
        "private": Path(settings.DATA_DIR) / "private",
    }


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1024 * 1024), b""):
            h.update(block)
    return h.hexdigest()


def _pg_env() -> tuple[list[str], dict]:
    db = settings.DATABASES["default"]
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(cmd: list[str], env: dict, what: str) -> None:
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise BackupError(
            f"{what}需要 PostgreSQL 客户端程序 {cmd[0]}，本机没有安装（apt-get install postgresql-client）"
        ) from exc
    if done.returncode != 0:
        raise BackupError(f"{what}失败：{done.stderr.strip()[-800:]}")


def _dump_database(engine: str, target_dir: Path) -> str:
    db = settings.DATABASES["default"]
    if engine == "sqlite":
        name = "database.sqlite3"
        src = sqlite3.connect(str(db["NAME"]))
        dst = sqlite3.connect(str(target_dir / name))
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return name
    name = "database.pgdump"
    args, env = _pg_env()
    _run(
        [
            "pg_dump",
            *args,
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "-f",
            str(target_dir / name),
            db["NAME"],
        ],
        env,
        "导出 PostgreSQL 数据库",
    )
    return name


def _migrations() -> dict[str, list[str]]:
    from django.db.migrations.recorder import MigrationRecorder

    applied: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connections["default"]).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def create_backup(output: Path | None = None) -> Summary:
    engine = _engine()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    output = Path(output) if output else Path.cwd() / f"govportal-backup-{stamp}.tar.gz"
    output.parent.mkdir(parents=True, exist_ok=True)
    members: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="govportal-backup-") as tmp:
        tmp_dir = Path(tmp)
        db_name = _dump_database(engine, tmp_dir)
        db_path = tmp_dir / db_name
        members[db_name] = {"size": db_path.stat().st_size, "sha256": _sha256(db_path)}
        files: list[tuple[str, Path]] = []
        for root_name, root in file_roots().items():
            if not root.is_dir():
                continue
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    arc = f"files/{root_name}/{path.relative_to(root).as_posix()}"
                    members[arc] = {"size": path.stat().st_size, "sha256": _sha256(path)}
                    files.append((arc, path))
        manifest = {
            "format": FORMAT,
            "created": datetime.now().astimezone().isoformat(timespec="seconds"),
            "engine": engine,
            "database": db_name,
            "migrations": _migrations(),
            "members": members,
        }
        partial = output.with_name(output.name + ".part")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(datetime.now().timestamp())
            import io

            tar.addfile(info, io.BytesIO(data))
            tar.add(db_path, arcname=db_name)
            for arc, path in files:
                tar.add(path, arcname=arc)
        partial.replace(output)  # a backup cut short never has the final name
    return Summary(output, len(files), sum(m["size"] for m in members.values()), engine)


# --- restore ---------------------------------------------------------------------------------------------


def _safe_member(name: str) -> bool:
    parts = name.split("/")
    return bool(name) and not name.startswith("/") and ".." not in parts and "\\" not in name


def verify_archive(archive: Path, into: Path) -> dict:
    """Extract ``archive`` into ``into`` and check it against its manifest; the manifest, or BackupError."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"找不到备份文件：{archive}")
    try:
        with tarfile.open(archive, "r:*") as tar:
            names = []
            for member in tar:
                if not member.isfile() or not _safe_member(member.name):
                    raise BackupError(f"备份文件中有不安全的条目“{member.name}”，拒绝恢复")
                names.append(member.name)
                target = into / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise BackupError(f"备份文件已损坏，无法读取（{type(exc).__name__}），未做任何恢复") from exc
    if MANIFEST not in names:
        raise BackupError("备份文件缺少清单 manifest.json：不是 GovPortal 备份或已损坏，未做任何恢复")
    try:
        manifest = json.loads((into / MANIFEST).read_text("utf-8"))
        members = manifest["members"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError("备份清单 manifest.json 已损坏，未做任何恢复") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"备份格式版本 {manifest.get('format')} 不受支持（本程序为 {FORMAT}），未做任何恢复"
        )
    extra = sorted(set(names) - set(members) - {MANIFEST})
    missing = sorted(set(members) - set(names))
    if missing:
        raise BackupError(f"备份文件不完整：缺少 {len(missing)} 个文件（如 {missing[0]}），未做任何恢复")
    if extra:
        raise BackupError(f"备份文件中有清单之外的文件（如 {extra[0]}），可能被篡改，未做任何恢复")
    for name, meta in members.items():
        path = into / name
        if path.stat().st_size != meta["size"] or _sha256(path) != meta["sha256"]:
            raise BackupError(f"备份文件已损坏：{name} 的校验值不符，未做任何恢复")
    return manifest


def _restore_database(manifest: dict, extracted: Path) -> None:
    engine = manifest["engine"]
    db = settings.DATABASES["default"]
    dump = extracted / manifest["database"]
    connections.close_all()
    if engine == "sqlite":
        src = sqlite3.connect(str(dump))
        dst = sqlite3.connect(str(db["NAME"]), timeout=30)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return
    args, env = _pg_env()
    _run(
        ["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
         "-d", db["NAME"], str(dump)],
        env,
        "恢复 PostgreSQL 数据库",
    )  # fmt: skip


def _restore_files(extracted: Path) -> int:
    count = 0
    for root_name, root in file_roots().items():
        source = extracted / "files" / root_name
        root.parent.mkdir(parents=True, exist_ok=True)
        old = root.with_name(root.name + ".before-restore")
        if old.exists():
            shutil.rmtree(old)
        if root.exists():
            root.rename(old)
        if source.is_dir():
            shutil.move(str(source), str(root))
            count += sum(1 for p in root.rglob("*") if p.is_file())
        else:
            root.mkdir(parents=True)
        if old.exists():
            shutil.rmtree(old)
    return count


def restore_backup(archive: Path) -> Summary:
    engine = _engine()
    scratch = Path(settings.DATA_DIR)
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="govportal-restore-", dir=scratch) as tmp:
        extracted = Path(tmp)
        manifest = verify_archive(archive, extracted)
        if manifest["engine"] != engine:
            label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
            raise BackupError(
                f"备份来自 {label.get(manifest['engine'], manifest['engine'])} 数据库，当前配置的是 "
                f"{label[engine]}：同类数据库之间才能恢复，未做任何恢复"
            )
        _restore_database(manifest, extracted)
        files = _restore_files(extracted)
        size = sum(m["size"] for m in manifest["members"].values())
    return Summary(Path(archive), files, size, engine)

"""Backups of the whole site: the database and the uploaded media, in one archive.

An archive is a tar file holding ``database.dump`` (PostgreSQL: ``pg_dump`` in its custom
format) or ``database.sqlite3`` (SQLite: a consistent copy made with SQLite's own backup
API, which loses nothing a dump could), ``media/`` (every file under ``MEDIA_ROOT``) and
``backup.json`` (what it holds, from where, when). ``manage.py backup`` and
``manage.py restore`` (``make backup`` / ``make restore``) are the interface.

Restoring replaces the database's contents with the archive's and the media folder with
the archive's; the media there before is moved aside (``<MEDIA_ROOT>.before-restore-...``),
not deleted.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connections

FORMAT_VERSION = 1


class BackupError(Exception):
    """Why a backup or restore cannot be made, in words for an operator."""


@dataclass(frozen=True)
class Summary:
    archive: Path
    engine: str
    media_files: int


def _database(alias: str = "default") -> dict:
    return settings.DATABASES[alias]


def _engine(database: dict) -> str:
    engine = database["ENGINE"].rsplit(".", 1)[-1]
    if engine not in ("postgresql", "sqlite3"):
        raise BackupError(f"Backups handle PostgreSQL and SQLite, not {database['ENGINE']}.")
    return engine


def _pg_env(database: dict) -> tuple[list[str], dict]:
    args = ["--host", str(database.get("HOST") or "localhost")]
    if database.get("PORT"):
        args += ["--port", str(database["PORT"])]
    if database.get("USER"):
        args += ["--username", database["USER"]]
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    try:
        # The commands are ours (pg_dump, pg_restore); their arguments come from settings.
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} is not installed: it comes with PostgreSQL's client tools "
            "(Debian: apt-get install postgresql-client)."
        ) from None
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.stdout}")


def backup(*, directory: Path, alias: str = "default") -> Summary:
    """Write an archive of the database and the media into ``directory``; return it."""
    database = _database(alias)
    engine = _engine(database)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    archive = directory / f"newsroom-{stamp}.tar"
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        if engine == "postgresql":
            dump = scratch / "database.dump"
            args, env = _pg_env(database)
            _run(["pg_dump", "--format=custom", *args, "--file", str(dump), database["NAME"]], env)
        else:
            dump = scratch / "database.sqlite3"
            connections[alias].close()
            with sqlite3.connect(database["NAME"]) as source, sqlite3.connect(dump) as copy:
                source.backup(copy)
        media = [path for path in media_root.rglob("*") if path.is_file()]
        manifest = {
            "format": FORMAT_VERSION,
            "engine": engine,
            "made_at": datetime.now(UTC).isoformat(),
            "media_files": len(media),
        }
        (scratch / "backup.json").write_text(json.dumps(manifest, indent=2))
        partial = archive.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(scratch / "backup.json", arcname="backup.json")
            tar.add(dump, arcname=dump.name)
            for path in media:
                tar.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}")
        partial.rename(archive)  # an interrupted backup never looks like a finished one
    return Summary(archive=archive, engine=engine, media_files=len(media))


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = tar.getmembers()
    for member in members:
        if not (member.isfile() or member.isdir()):
            raise BackupError(f"{member.name} in the archive is not a plain file.")
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts:
            raise BackupError(f"{member.name} in the archive points outside it.")
    return members


def restore(*, archive: Path, alias: str = "default") -> Summary:
    """Replace the database and the media with ``archive``'s (see the module)."""
    database = _database(alias)
    engine = _engine(database)
    if not archive.is_file():
        raise BackupError(f"No such backup: {archive}")
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        try:
            with tarfile.open(archive) as tar:
                tar.extractall(scratch, members=_safe_members(tar), filter="data")
        except tarfile.TarError as error:
            raise BackupError(f"{archive} is not a readable backup: {error}") from None
        try:
            manifest = json.loads((scratch / "backup.json").read_text())
        except (OSError, ValueError):
            raise BackupError(f"{archive} has no backup.json: not a Newsroom backup.") from None
        if manifest.get("engine") != engine:
            raise BackupError(
                f"This backup is of a {manifest.get('engine')} database; the site runs on "
                f"{engine}. Restore it into the same kind of database."
            )
        connections[alias].close()
        if engine == "postgresql":
            args, env = _pg_env(database)
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--exit-on-error",
                    *args,
                    "--dbname",
                    database["NAME"],
                    str(scratch / "database.dump"),
                ],
                env,
            )
        else:
            with (
                sqlite3.connect(scratch / "database.sqlite3") as copy,
                sqlite3.connect(database["NAME"]) as target,
            ):
                copy.backup(target)
        media_root = Path(settings.MEDIA_ROOT)
        restored = scratch / "media"
        if media_root.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            media_root.rename(media_root.with_name(f"{media_root.name}.before-restore-{stamp}"))
        if restored.exists():
            shutil.move(restored, media_root)
        else:
            media_root.mkdir(parents=True)
    count = sum(1 for path in media_root.rglob("*") if path.is_file())
    return Summary(archive=archive, engine=engine, media_files=count)

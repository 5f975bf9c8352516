"""Backup and restore: a round trip of a seeded site loses no row and no media file."""

import json
import os
import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest

from tests.helpers import run_django, run_python

COUNTS = (
    "import json; from django.apps import apps; "
    "print(json.dumps({m._meta.label: m._default_manager.count() for m in apps.get_models()}))"
)


def media_files(root: Path) -> dict[str, int]:
    return {
        path.relative_to(root).as_posix(): path.stat().st_size
        for path in root.rglob("*")
        if path.is_file()
    }


def site(database_url: str, media: Path) -> dict:
    return {"DATABASE_URL": database_url, "DJANGO_MEDIA_ROOT": str(media)}


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    result = run_python("manage.py", *args, **env)
    assert result.returncode == 0, result.stderr + result.stdout
    return result


def counts(env: dict) -> dict:
    result = run_django(COUNTS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def seeded(env: dict) -> None:
    """A site as ``make demo`` leaves it: migrated, with the demo stories and their pictures."""
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo_content")


@pytest.fixture(scope="module")
def sqlite_sites(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """An SQLite site migrated, and a copy of it seeded (``seeded``), each made once for the
    module by the commands a test's own site would run (a migration of every app takes
    seconds): a test copies the one it starts from (``sqlite_site``), so what it changes is
    its own."""
    folder = tmp_path_factory.mktemp("sqlite-sites")
    migrated = (folder / "migrated.sqlite3", folder / "migrated-media")
    migrated[1].mkdir()
    manage(site(f"sqlite:///{migrated[0]}", migrated[1]), "migrate", "--noinput", "-v0")
    made = {"migrated": migrated}
    demo = (folder / "seeded.sqlite3", folder / "seeded-media")
    manage(sqlite_site(made, "migrated", *demo), "load_demo_content")
    made["seeded"] = demo
    return made


def sqlite_site(sites: dict, name: str, database: Path, media: Path) -> dict:
    """A copy of the module's ``name`` site (``sqlite_sites``) at ``database``, its uploads in
    ``media``: SQLite's backup API copies the database as a connection sees it, the
    write-ahead log included."""
    template, template_media = sites[name]
    source, copy = sqlite3.connect(template), sqlite3.connect(database)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    shutil.copytree(template_media, media, dirs_exist_ok=True)
    return site(f"sqlite:///{database}", media)


def round_trip(env: dict, media: Path, backups: Path) -> None:
    before, files_before = counts(env), media_files(media)
    assert before["articles.Article"] >= 6 and len(files_before) >= 6

    made = manage(env, "backup", "--output", str(backups))
    archive = next(backups.glob("newsroom-*.tar"))
    assert str(archive) in made.stdout

    # Things go wrong: a story deleted, a picture lost.
    manage(env, "shell", "--no-imports", "-c", DAMAGE)
    next(path for path in media.rglob("*") if path.is_file()).unlink()
    assert counts(env) != before

    manage(env, "restore", str(archive), "--no-input")

    assert counts(env) == before
    assert media_files(media) == files_before


DAMAGE = (
    "from articles.models import Article, Comment; "
    "Article.objects.order_by('pk').first().delete(); "
)


def test_a_sqlite_site_round_trips(tmp_path, sqlite_sites):
    env = sqlite_site(sqlite_sites, "seeded", tmp_path / "site.sqlite3", tmp_path / "media")
    round_trip(env, tmp_path / "media", tmp_path / "backups")


@pytest.fixture
def postgres_database():
    name = f"newsroom_backup_{uuid.uuid4().hex[:8]}"
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc"]
    if subprocess.run([*psql, f"CREATE DATABASE {name}"], check=False).returncode != 0:
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not running here.")
    yield f"postgres://postgres@127.0.0.1:5432/{name}"
    subprocess.run([*psql, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="Runs in CI's PostgreSQL pass, with pg_dump and pg_restore.",
)
def test_a_postgresql_site_round_trips(tmp_path, postgres_database):
    env = site(postgres_database, tmp_path / "media")
    seeded(env)
    round_trip(env, tmp_path / "media", tmp_path / "backups")


def test_a_restore_of_a_broken_file_changes_nothing(tmp_path, sqlite_sites):
    env = sqlite_site(sqlite_sites, "migrated", tmp_path / "site.sqlite3", tmp_path / "media")
    before = counts(env)
    broken = tmp_path / "broken.tar"
    broken.write_bytes(b"not a tar file")

    result = run_python("manage.py", "restore", str(broken), "--no-input", **env)

    assert result.returncode != 0
    assert "Nothing restored" in result.stderr
    assert counts(env) == before


def test_dumpdata_with_natural_keys_loads_again(tmp_path, sqlite_sites):
    first = sqlite_site(sqlite_sites, "seeded", tmp_path / "a.sqlite3", tmp_path / "media")
    second = sqlite_site(sqlite_sites, "migrated", tmp_path / "b.sqlite3", tmp_path / "media")
    dump = tmp_path / "dump.json"
    manage(
        first,
        "dumpdata",
        "--natural-foreign",
        "--natural-primary",
        "-e",
        "contenttypes",
        "-e",
        "auth.permission",
        "-e",
        "sessions",
        "-e",
        "admin.logentry",
        "-o",
        str(dump),
    )

    manage(second, "loaddata", str(dump))

    a, b = counts(first), counts(second)
    for label in ("articles.Article", "articles.TaggedArticle", "taggit.Tag", "articles.Byline"):
        assert a[label] == b[label], label

"""The embedded default (SQLite) takes several writers at once without "database is locked"."""

import subprocess
import sys

import pytest

from tests.helpers import ROOT, clean_environ, run_django

WRITER = """
import sys, time
import django
django.setup()
from django.db import connection, transaction
with transaction.atomic():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM notes")  # a read first, as a view does
        time.sleep(0.5)                               # the other writer reads meanwhile
        cursor.execute("INSERT INTO notes (text) VALUES (%s)", [sys.argv[1]])
print("saved")
"""


@pytest.fixture
def database(tmp_path):
    url = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    made = run_django(
        "from django.db import connection; "
        "connection.cursor().execute('CREATE TABLE notes (text TEXT)')",
        DATABASE_URL=url,
    )
    assert made.returncode == 0, made.stderr
    return url


def test_two_writers_at_the_same_moment_both_save(database):
    env = clean_environ(
        DJANGO_SETTINGS_MODULE="newsroom.settings.development", DATABASE_URL=database
    )
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, name],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("first", "second")
    ]
    outcomes = [writer.communicate(timeout=60) for writer in writers]

    assert [out.strip() for out, _err in outcomes] == ["saved", "saved"], outcomes
    count = run_django(
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('SELECT count(*) FROM notes'); print(c.fetchone()[0])",
        DATABASE_URL=database,
    )
    assert count.stdout.strip() == "2"


def test_the_embedded_database_runs_in_wal_mode(database):
    mode = run_django(
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])",
        DATABASE_URL=database,
    )
    assert mode.stdout.strip() == "wal", mode.stderr

import os
from pathlib import Path

from django.contrib.auth.models import Group

import pytest

from tests.factories import ArticleFactory, AuthorFactory, UserFactory, VerifiedUserFactory

SAMPLES = Path(
    os.environ.get("NEWSROOM_SAMPLES", Path(__file__).resolve().parents[2] / "shared" / "samples")
)


def pytest_xdist_make_scheduler(config, log):
    """How ``make test`` (``-n auto --dist loadfile``) shares the tests between its workers.

    As loadfile, a file's tests go to one worker together, so a module's shared fixtures (the
    XSS corpus site, the EXPLAIN archive, the gunicorn servers) are made once; but in
    pytest-django's order, each file's run of tests as a unit: pytest-django puts the
    transactional tests after every other database test, because each one flushes the
    database, the data migrations' rows with it (the role groups). Units handed out in
    that order mean no worker runs a database test after a flush, as in one process.
    (loadfile itself sends a file's tests as one unit and the biggest files first.)
    """
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class FileRunsInOrder(LoadFileScheduling):
        runs: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self.runs is None:
                self.runs, seen, previous = {}, {}, None
                for test in next(iter(self.registered_collections.values())):
                    file = test.split("::")[0]
                    if file != previous:
                        seen[file] = seen.get(file, 0) + 1
                        previous = file
                    self.runs[test] = f"{file} ({seen[file]})"
            return self.runs[nodeid]

    config.option.loadscopereorder = False
    return FileRunsInOrder(config, log)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploads and renditions made by a test land in its own folder, never in ./media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits (allauth's, the comment limit) count in the cache, and pages are kept in
    the page cache: every test starts with both empty. Outage warnings are throttled per
    process: each test may log its own."""
    from django.core.cache import caches

    from newsroom.logs import OUTAGES

    for alias in ("default", "pages"):
        caches[alias].clear()
    OUTAGES.reset()


@pytest.fixture(autouse=True)
def _site_caches_read(request, _fresh_cache):
    """Every reader page reads the banner, the navigation's sections and the home page's
    pin from the shared cache (articles.models.frontpage): one query each on the first
    page after a change, none after. Tests count what a page costs once they are there, as
    a site does but for its first page. Tests that change them go through the services,
    which drop the cached copies. (Transactional tests start from an empty database.)"""
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or "db" in request.fixturenames
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not uses_db or transactional:
        return
    request.getfixturevalue("db")
    from articles.models import breaking_news_shown, lead_story_pinned, navigation_sections

    breaking_news_shown()
    navigation_sections()
    lead_story_pinned()


@pytest.fixture
def seed_article_path() -> Path:
    path = SAMPLES / "seed-article.txt"
    assert path.is_file(), f"The shared sample is missing: {path}"
    return path


@pytest.fixture
def author(db):
    return AuthorFactory(display_name="Mara Ellison", slug="mara-ellison")


@pytest.fixture
def article(db, author):
    return ArticleFactory(
        headline="Harbour bridge reopens",
        slug="harbour-bridge-reopens",
        authors=[author],
        tags=["Transport", "Eastport"],
    )


@pytest.fixture
def reader(db):
    return UserFactory(username="reader")


@pytest.fixture
def commenter(db):
    """A reader with a verified email address: one who may comment."""
    return VerifiedUserFactory(username="commenter")


@pytest.fixture
def stranger(db):
    """Another verified reader, for the other side of owner-only rules."""
    return VerifiedUserFactory(username="stranger")


@pytest.fixture
def moderator(db):
    """Staff in the Moderator group (made by the accounts data migration)."""
    user = UserFactory(username="moderator", email="moderator@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderator"))
    return user

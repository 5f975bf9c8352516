import os
from pathlib import Path

import pytest

from tests.factories import ArticleFactory, AuthorFactory, UserFactory

SAMPLES = Path(
    os.environ.get("NEWSROOM_SAMPLES", Path(__file__).resolve().parents[2] / "shared" / "samples")
)


def pytest_configure(config):
    from django.conf import settings

    # Hashing with PBKDF2 is deliberately slow; tests need speed, not secrecy.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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

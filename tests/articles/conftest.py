import pytest

from articles.metadata import ImageInfo
from tests.factories import staff_user


@pytest.fixture
def writer(db):
    """A staff member with the Writer role."""
    return staff_user("wendy", "Writer")


@pytest.fixture
def other_writer(db):
    return staff_user("walter", "Writer")


@pytest.fixture
def editor(db):
    """A staff member with the Editor role."""
    return staff_user("edith", "Editor")


@pytest.fixture
def remote_hero_image(monkeypatch) -> ImageInfo:
    """Every story's social image is this one, on a CDN (pages, JSON-LD and feeds alike)."""
    from articles import feeds, metadata

    image = ImageInfo(
        url="https://cdn.example.org/bridge.jpg",
        width=1200,
        height=675,
        alt="Buses crossing the bridge",
        mime_type="image/jpeg",
        length=123456,
    )
    monkeypatch.setattr(metadata, "article_image", lambda article, request=None: image)
    monkeypatch.setattr(feeds, "article_image", lambda article, request=None: image)
    return image

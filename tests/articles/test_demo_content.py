from django.core.management import CommandError, call_command

import pytest

from accounts.models import User
from articles.management.commands.load_demo_content import DEMO_ARTICLES
from articles.models import Article, Author

pytestmark = pytest.mark.django_db


def test_demo_content_is_published_with_tags_and_authors_and_idempotent(client):
    call_command("load_demo_content")
    call_command("load_demo_content")

    assert Article.objects.published().count() == len(DEMO_ARTICLES)
    assert Author.objects.count() == len({n for item in DEMO_ARTICLES for n in item["authors"]})
    assert all(article.tags.exists() for article in Article.objects.all())
    assert client.get("/").status_code == 200


def test_demo_content_creates_an_editor_who_can_log_into_the_admin(client):
    call_command("load_demo_content")
    call_command("load_demo_content")

    assert User.objects.filter(username="editor").count() == 1
    assert client.login(username="editor", password="newsroom-demo")
    assert client.get("/admin/").status_code == 200


def test_demo_content_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="development"):
        call_command("load_demo_content")
    assert not User.objects.exists()

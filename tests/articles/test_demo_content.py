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


@pytest.mark.parametrize(
    ("username", "role"), [("editor", "Editor"), ("writer", "Writer"), ("moderator", "Moderator")]
)
def test_demo_content_creates_role_accounts_that_can_log_into_the_admin(client, username, role):
    call_command("load_demo_content")
    call_command("load_demo_content")

    user = User.objects.get(username=username)
    assert list(user.groups.values_list("name", flat=True)) == [role]
    assert not user.is_superuser
    assert client.login(username=username, password="newsroom-demo")
    assert client.get("/admin/").status_code == 200


def test_running_the_demo_again_keeps_editors_changes_and_dates(client):
    call_command("load_demo_content")
    article = Article.objects.get(slug=DEMO_ARTICLES[0]["slug"])
    Article.objects.filter(pk=article.pk).update(headline="Edited by the desk")
    before = Article.objects.get(pk=article.pk)

    call_command("load_demo_content")

    after = Article.objects.get(pk=article.pk)
    assert after.headline == "Edited by the desk"
    assert after.updated_at == before.updated_at
    assert after.history.count() == before.history.count()


def test_demo_content_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="development"):
        call_command("load_demo_content")
    assert not User.objects.exists()


def test_demo_stories_have_hero_pictures_served_as_renditions(client):
    call_command("load_demo_content", "--no-editor")

    for article in Article.objects.select_related("hero_image"):
        assert article.hero_image is not None, article.slug
        assert article.hero_image.alt_text.startswith("Illustration: ")
    response = client.get("/")
    html = response.content.decode()
    lead = Article.objects.published().latest_first().first()
    assert f'alt="{lead.hero_image.alt_text}"' in html
    assert "srcset=" in html
    assert lead.hero_image.file.url not in html  # the original is never offered

"""What the earlier attack on the site found, each fixed and kept fixed."""

from django.core.exceptions import ValidationError
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains
from taggit.models import Tag

from articles.html import clean_body_html
from articles.models import Article
from articles.services import article_create
from articles.services.tags import tag_merge
from tests.factories import AuthorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "cite",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
    ],
)
@pytest.mark.parametrize("element", ["blockquote", "q"])
def test_a_quotation_source_with_a_script_scheme_is_dropped(element, cite):
    html = clean_body_html(f'<{element} cite="{cite}">Quoted</{element}>')

    assert html == f"<{element}>Quoted</{element}>"


@pytest.mark.parametrize("cite", ["https://example.org/speech", "/articles/earlier/"])
def test_a_quotation_source_on_the_web_or_the_site_is_kept(cite):
    assert clean_body_html(f'<q cite="{cite}">Quoted</q>') == f'<q cite="{cite}">Quoted</q>'


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(username="chief", is_staff=True, is_superuser=True))
    return client


def test_a_tag_of_punctuation_only_is_a_form_error_in_the_admin(staff_client):
    author = AuthorFactory()
    response = staff_client.post(
        reverse("admin:articles_article_add"),
        {
            "headline": "New story",
            "slug": "new-story",
            "standfirst": "Summary",
            "body": "<p>Body</p>",
            "tags": '"!!!", Transport',
            "status": "published",
            "published_at_0": "2024-01-02",
            "published_at_1": "10:00:00",
            "bylines-TOTAL_FORMS": "1",
            "bylines-INITIAL_FORMS": "0",
            "bylines-MIN_NUM_FORMS": "1",
            "bylines-MAX_NUM_FORMS": "1000",
            "bylines-0-author": author.pk,
            "bylines-0-position": "0",
        },
    )

    assert response.status_code == 200
    assertContains(response, "A tag needs at least one letter or digit: !!!")
    assert not Article.objects.exists()
    assert not Tag.objects.filter(slug="").exists()


@pytest.mark.parametrize("name", ["!!!", "—", "<>", "\u200b"])
def test_the_services_refuse_a_tag_with_no_address(name):
    with pytest.raises(ValidationError, match="at least one letter or digit"):
        article_create(headline="A story", tags=[name], authors=[AuthorFactory()])
    with pytest.raises(ValidationError, match="at least one letter or digit"):
        tag_merge(tags=[], into=name)
    assert not Tag.objects.filter(slug="").exists()


def test_a_tag_with_letters_among_punctuation_gets_a_working_page(client):
    story = article_create(
        headline="A story",
        tags=["<C++>!"],
        authors=[AuthorFactory()],
        status=Article.Status.PUBLISHED,
        publish=True,
    )
    tag = story.tags.get()

    assert tag.slug
    assertContains(client.get(reverse("articles:tag", kwargs={"slug": tag.slug})), "&lt;C++&gt;!")

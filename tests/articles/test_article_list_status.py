"""The article list: status badges (a scheduled story is "Scheduled", not "Published"),
the status filter with "Scheduled", and the "assigned to me" and "due today" filters."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from articles.pipeline import today_bounds
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
LIST = "admin:articles_article_changelist"


@pytest.fixture
def desk(writer, editor):
    return {
        "draft": ArticleFactory(draft=True, created_by=writer, headline="A draft"),
        "review": ArticleFactory(
            status=Article.Status.IN_REVIEW,
            published_at=None,
            created_by=writer,
            headline="Waiting",
        ),
        "scheduled": ArticleFactory(
            published_at=timezone.now() + timedelta(days=2), headline="Tomorrow's lead"
        ),
        "live": ArticleFactory(headline="Out already"),
        "pulled": ArticleFactory(status=Article.Status.UNPUBLISHED, headline="Taken down"),
    }


def rows(response) -> list[str]:
    return [article.headline for article in response.context["cl"].result_list]


def test_a_scheduled_story_shows_as_scheduled_with_its_time_not_published(client, editor, desk):
    client.force_login(editor)
    response = client.get(reverse(LIST))
    when = timezone.localtime(desk["scheduled"].published_at)
    assertContains(
        response,
        '<span class="newsroom-badge newsroom-badge--scheduled">Scheduled</span>'
        f' <time datetime="{desk["scheduled"].published_at.isoformat()}">'
        f"{when:%Y-%m-%d %H:%M}</time>",
        html=True,
    )
    assertContains(
        response, '<span class="newsroom-badge newsroom-badge--published">Published</span>', 1
    )
    assertContains(response, '<span class="newsroom-badge newsroom-badge--draft">Draft</span>')
    assertContains(
        response, '<span class="newsroom-badge newsroom-badge--in_review">In review</span>'
    )
    assertContains(
        response, '<span class="newsroom-badge newsroom-badge--unpublished">Unpublished</span>'
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("scheduled", ["Tomorrow's lead"]),
        ("published", ["Out already"]),
        ("draft", ["A draft"]),
        ("in_review", ["Waiting"]),
        ("unpublished", ["Taken down"]),
    ],
)
def test_the_status_filter_tells_scheduled_from_published(client, editor, desk, value, expected):
    client.force_login(editor)
    response = client.get(reverse(LIST), {"status__exact": value})
    assert response.status_code == 200
    assert rows(response) == expected


def test_the_status_filter_lists_scheduled_in_the_sidebar(client, editor, desk):
    client.force_login(editor)
    response = client.get(reverse(LIST))
    assertContains(response, '<a href="?status__exact=scheduled">Scheduled</a>', html=True)


def test_an_unknown_status_lists_everything_rather_than_failing(client, editor, desk):
    client.force_login(editor)
    assert client.get(reverse(LIST), {"status__exact": "nonsense"}).status_code == 200


def test_assigned_to_me_and_due_today_filters(client, writer, editor, desk, time_machine):
    # The clock stands still: "today" is one day for the stories made and the lists, even
    # when the test runs across midnight.
    time_machine.move_to(timezone.now(), tick=False)
    start, _end = today_bounds()
    mine = ArticleFactory(draft=True, assignee=editor, due_at=start + timedelta(hours=12))
    ArticleFactory(draft=True, assignee=writer, due_at=start + timedelta(hours=12), headline="W")
    ArticleFactory(draft=True, assignee=editor, due_at=start + timedelta(days=1, hours=1))
    ArticleFactory(assignee=editor, due_at=start + timedelta(hours=2))  # done: published
    client.force_login(editor)

    assigned = rows(client.get(reverse(LIST), {"assigned": "me"}))
    assert len(assigned) == 2
    assert mine.headline in assigned
    due = rows(client.get(reverse(LIST), {"due": "today"}))
    assert sorted(due) == sorted([mine.headline, "W"])
    both = rows(client.get(reverse(LIST), {"due": "today", "assigned": "me"}))
    assert both == [mine.headline]


def test_a_writer_sees_their_own_and_assigned_stories_in_the_list(client, writer, editor):
    ArticleFactory(draft=True, created_by=editor, headline="Editor's own")
    given = ArticleFactory(draft=True, created_by=editor, assignee=writer, headline="For Wendy")
    client.force_login(writer)
    response = client.get(reverse(LIST))
    assert rows(response) == [given.headline]
    assertContains(response, '<td class="field-assignee nowrap">wendy</td>', html=True)
    assertNotContains(response, "Editor&#x27;s own")


def test_the_list_costs_the_same_queries_with_badges_and_assignees(
    client, editor, django_assert_max_num_queries
):
    for _ in range(30):
        ArticleFactory(assignee=editor, published_at=timezone.now() + timedelta(days=1))
    client.force_login(editor)
    client.get(reverse(LIST))
    # 13 with the section filter's choices (one query, whatever the number of stories).
    with django_assert_max_num_queries(13):
        response = client.get(reverse(LIST))
    assertContains(response, "newsroom-badge--scheduled", count=30)

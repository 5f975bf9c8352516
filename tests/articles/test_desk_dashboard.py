"""The desk dashboard: the whole desk for editors, their own pipeline for writers, in a
number of queries that does not grow with the number of stories."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from articles.pipeline import DASHBOARD_LIST_LENGTH, due_today, today_bounds
from articles.services import article_assign, article_return_to_writer
from tests.factories import ArticleFactory, staff_user

pytestmark = pytest.mark.django_db
IN_REVIEW = Article.Status.IN_REVIEW


def dashboard(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response, response.context["dash"]


def test_an_editor_sees_the_whole_desk(client, writer, other_writer, editor, time_machine):
    # The clock stands still: the story due now is still due today when the dashboard is
    # read, even when the test runs across midnight.
    time_machine.move_to(timezone.now(), tick=False)
    ArticleFactory.create_batch(2, draft=True, created_by=writer)
    ArticleFactory(draft=True, created_by=other_writer)
    ArticleFactory(status=IN_REVIEW, published_at=None, created_by=writer, headline="In the queue")
    ArticleFactory(published_at=timezone.now() + timedelta(hours=5), headline="Out tonight")
    mine = ArticleFactory(draft=True, created_by=writer, headline="Given to the editor")
    article_assign(article=mine, by=editor, assignee=editor, due_at=timezone.now())
    client.force_login(editor)

    response, dash = dashboard(client)

    assert dash["in_review"]["count"] == 1
    assert dash["scheduled"]["count"] == 1
    assert dash["assigned_to_me"]["count"] == 1
    assert dash["due_today"]["count"] == 1
    assert dash["drafts_by_writer"]["count"] == 4
    assert [(w["username"], w["count"]) for w in dash["drafts_by_writer"]["writers"]] == [
        ("wendy", 3),
        ("walter", 1),
    ]
    for heading in ("In review", "Scheduled", "Due today", "Assigned to me", "Drafts by writer"):
        assertContains(response, f"<h2>{heading}</h2>", html=True)
    assertContains(response, "In the queue")
    assertContains(response, "Out tonight")
    assertContains(response, "Given to the editor")
    changelist = reverse("admin:articles_article_changelist")
    assertContains(response, f'href="{changelist}?status__exact=draft&amp;created_by={writer.pk}"')
    # Nothing returned to an editor: the pile is left out; no embargo lifts today.
    assertNotContains(response, "Returned to me with a note")
    assert dash["embargo_lifts_today"]["items"] == []
    assertContains(response, "No embargo lifts today.")


def test_a_writer_sees_their_own_pipeline_with_the_note_they_got_back(
    client, writer, other_writer, editor
):
    ArticleFactory(draft=True, created_by=other_writer, headline="Walter's draft")
    ArticleFactory(status=IN_REVIEW, published_at=None, created_by=other_writer)
    ArticleFactory(draft=True, created_by=writer, headline="Wendy's draft")
    back = ArticleFactory(
        status=IN_REVIEW, published_at=None, created_by=writer, headline="Came back"
    )
    article_return_to_writer(article=back, by=editor, text="Check the council's figures.")
    given = ArticleFactory(draft=True, created_by=editor, headline="Given to Wendy")
    article_assign(article=given, by=editor, assignee=writer)
    client.force_login(writer)

    response, dash = dashboard(client)

    assert dash["my_drafts"]["count"] == 2
    assert dash["returned"]["count"] == 1
    assert dash["assigned_to_me"]["count"] == 1
    assert dash["in_review"]["count"] == 0
    assert "drafts_by_writer" not in dash
    assertContains(response, "Returned to me with a note")
    assertContains(response, "Check the council&#x27;s figures.")
    assertContains(response, "edith:")
    assertContains(response, "Given to Wendy")
    assertNotContains(response, "Walter&#x27;s draft")
    assertNotContains(response, "Drafts by writer")
    # "See all" opens the list the pile came from, and the writer may open it.
    returned = client.get(dash["returned"]["link"])
    assertContains(returned, "Came back")
    assertNotContains(returned, "Wendy&#x27;s draft")
    assigned = client.get(dash["assigned_to_me"]["link"])
    assertContains(assigned, "Given to Wendy")
    assertNotContains(assigned, "Came back")


def test_a_story_resubmitted_after_its_return_leaves_the_returned_pile(client, writer, editor):
    from articles.services import article_submit

    story = ArticleFactory(status=IN_REVIEW, published_at=None, created_by=writer)
    article_return_to_writer(article=story, by=editor, text="Shorter, please.")
    article_submit(article=story, by=writer)
    client.force_login(writer)
    assert dashboard(client)[1]["returned"]["count"] == 0


def test_due_today_is_today_in_the_newsrooms_time_zone(settings, editor):
    settings.TIME_ZONE = "Pacific/Auckland"
    auckland = ZoneInfo("Pacific/Auckland")
    tonight = ArticleFactory(draft=True, due_at=datetime(2030, 3, 4, 23, 30, tzinfo=auckland))
    ArticleFactory(draft=True, due_at=datetime(2030, 3, 5, 0, 30, tzinfo=auckland))
    ArticleFactory(draft=True, due_at=datetime(2030, 3, 3, 23, 59, tzinfo=auckland))
    done = ArticleFactory(due_at=datetime(2030, 3, 4, 9, 0, tzinfo=auckland))  # published

    # 2030-03-04 09:00 in Auckland is still the 3rd in UTC.
    with time_machine.travel(datetime(2030, 3, 3, 20, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        start, _end = today_bounds()
        assert start == datetime(2030, 3, 4, tzinfo=auckland)
        assert list(due_today(Article.objects.all())) == [tonight]
    assert done not in due_today(Article.objects.all())


def test_each_pile_is_capped_with_a_see_all_link(client, editor):
    ArticleFactory.create_batch(
        DASHBOARD_LIST_LENGTH + 2, status=IN_REVIEW, published_at=None, created_by=editor
    )
    client.force_login(editor)
    response, dash = dashboard(client)
    assert len(dash["in_review"]["items"]) == DASHBOARD_LIST_LENGTH
    assert dash["in_review"]["count"] == DASHBOARD_LIST_LENGTH + 2
    link = f"{reverse('admin:articles_article_changelist')}?status__exact=in_review"
    assertContains(response, f'<a href="{link}">See all {DASHBOARD_LIST_LENGTH + 2}</a>', html=True)


def _fill_the_desk(n, *, editor, writers):
    soon = today_bounds()[0] + timedelta(hours=12)  # today, whatever the time now
    for i in range(n):
        writer = writers[i % len(writers)]
        ArticleFactory(draft=True, created_by=writer)
        ArticleFactory(status=IN_REVIEW, published_at=None, created_by=writer)
        ArticleFactory(published_at=timezone.now() + timedelta(days=1), created_by=writer)
        ArticleFactory(created_by=writer)
        ArticleFactory(draft=True, created_by=writer, assignee=editor, due_at=soon)
        ArticleFactory(draft=True, created_by=writer, assignee=writer, due_at=soon)
    for story in Article.objects.filter(status=IN_REVIEW)[: n // 2 or 1]:
        article_return_to_writer(article=story, by=editor, text="Again.")


@pytest.mark.parametrize("role", ["Editor", "Writer"])
def test_the_dashboard_costs_the_same_queries_for_5_or_50_stories_a_pile(
    client, role, time_machine
):
    # The clock stands still: the stories due "today", made in two goes, are all due on the
    # day the dashboard counts, even when the test runs across midnight.
    time_machine.move_to(timezone.now(), tick=False)
    editor = staff_user("edith", "Editor")
    writers = [staff_user(f"writer{i}", "Writer") for i in range(3)]
    user = editor if role == "Editor" else writers[0]
    client.force_login(user)

    _fill_the_desk(5, editor=editor, writers=writers)
    client.get(reverse("admin:index"))  # sessions and permissions cached alike
    with CaptureQueriesContext(connection) as few:
        dashboard(client)
    _fill_the_desk(45, editor=editor, writers=writers)
    with CaptureQueriesContext(connection) as many:
        _response, dash = dashboard(client)

    assert len(many) == len(few)
    # The desk's piles (a count and a page each, embargo included), the comments box, the
    # admin itself (its navigation, the banner and the pin read through the cache).
    assert len(many) <= 30
    if role == "Editor":
        assert dash["in_review"]["count"] == Article.objects.filter(status=IN_REVIEW).count()
        assert dash["due_today"]["count"] == 100
    assert len(dash["my_drafts"]["items"]) <= DASHBOARD_LIST_LENGTH

"""The desk dashboard's "Embargo lifts today" pile and the article list's embargo filter."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse

import pytest
import time_machine
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

# 09:00 in the newsroom's zone: an embargo at 14:00 lifts today, one at 02:00 tomorrow not.
MORNING = datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("UTC"))


@time_machine.travel(MORNING, tick=False)
def test_the_dashboard_lists_the_stories_whose_embargo_lifts_today(client, editor, settings):
    settings.TIME_ZONE = "UTC"
    ArticleFactory(
        draft=True, headline="Budget figures", embargo_until=MORNING + timedelta(hours=5)
    )
    ArticleFactory(
        draft=True, headline="Next week's report", embargo_until=MORNING + timedelta(days=7)
    )
    ArticleFactory(draft=True, headline="No embargo")
    client.force_login(editor)

    response = client.get(reverse("admin:index"))

    assertContains(response, "Embargo lifts today")
    pile = response.context["dash"]["embargo_lifts_today"]
    assert [story.headline for story in pile["items"]] == ["Budget figures"]
    listed = client.get(pile["link"])
    assertContains(listed, "Budget figures")
    assertNotContains(listed, "Next week&#x27;s report")
    assertNotContains(listed, "No embargo")


@time_machine.travel(MORNING, tick=False)
def test_the_embargo_filter_lists_every_story_still_under_embargo(client, editor, settings):
    settings.TIME_ZONE = "UTC"
    ArticleFactory(
        draft=True, headline="Budget figures", embargo_until=MORNING + timedelta(hours=5)
    )
    ArticleFactory(
        draft=True, headline="Lifted already", embargo_until=MORNING - timedelta(hours=1)
    )
    client.force_login(editor)

    response = client.get(reverse("admin:articles_article_changelist") + "?embargo=any")

    assertContains(response, "Budget figures")
    assertNotContains(response, "Lifted already")

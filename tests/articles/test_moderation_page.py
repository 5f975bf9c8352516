"""The moderation page (``admin:articles_moderation``): who may open it, what each queue
lists and counts, every decision and its undo through the page's forms (no JavaScript), the
one-at-a-time view's context, and a cost that does not grow with the queue."""

import re
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.admin.moderation import UNDO_SESSION_KEY
from articles.models import Comment, CommentReport, ModerationLogEntry
from articles.models.rendering import comment_body_html
from articles.services import comment_moderate, comment_moderation_undo
from tests.factories import ArticleFactory, CommentFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"
PAGE = "admin:articles_moderation"


def url(**params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse(PAGE) + (f"?{query}" if query else "")


@pytest.fixture
def base_url(settings):
    # For decisions taken outside a request (their emails' links).
    settings.NEWSROOM_BASE_URL = "https://news.example"


@pytest.fixture
def mod(client, moderator):
    client.force_login(moderator)
    return client


def report(comment, *, reason=CommentReport.Reason.ABUSE, note="", reporter=None):
    return CommentReport.objects.create(
        comment=comment, reporter=reporter or UserFactory(), reason=reason, note=note
    )


def listed(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-comment="(\d+)"', response.content.decode())]


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Who may open it -------------------------------------------------------------------------


def test_a_moderator_opens_the_page(mod):
    response = mod.get(url())
    assert response.status_code == 200
    assertContains(response, "<h1>Moderation</h1>", html=True)


@pytest.mark.parametrize("role", ["Editor", "Writer"])
def test_other_staff_are_refused(client, role):
    client.force_login(staff_user(role.lower(), role))
    assert client.get(url()).status_code == 403
    assert client.post(url(), {"undo": "1"}).status_code == 403


def test_readers_and_visitors_are_sent_to_the_admin_login(client, reader):
    assert client.get(url())["Location"].startswith(reverse("admin:login"))
    client.force_login(reader)
    assert client.get(url())["Location"].startswith(reverse("admin:login"))


def test_a_reader_cannot_act_through_the_page(client, reader):
    comment = CommentFactory(status=Comment.Status.PENDING)
    client.force_login(reader)
    client.post(url(), {"act_on": f"approve:{comment.pk}"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_the_dashboard_and_the_comment_list_link_to_the_page_for_moderators(mod, client):
    assertContains(mod.get(reverse("admin:index")), f'href="{reverse(PAGE)}"')
    assertContains(mod.get(reverse("admin:articles_comment_changelist")), f'href="{reverse(PAGE)}"')
    client.force_login(staff_user("edith", "Editor"))
    assertNotContains(client.get(reverse("admin:index")), f'href="{reverse(PAGE)}"')


# --- The queues ------------------------------------------------------------------------------


def test_pending_lists_held_comments_oldest_first_and_nothing_else(mod):
    first = CommentFactory(status=Comment.Status.PENDING, body="First held")
    CommentFactory(status=Comment.Status.VISIBLE, body="Shown already")
    second = CommentFactory(status=Comment.Status.PENDING, body="Second held")
    response = mod.get(url(queue="pending"))
    assert listed(response) == [first.pk, second.pk]
    assertNotContains(response, "Shown already")
    assertContains(response, '<span class="moderation-count">2</span>', html=True)


def test_reported_lists_comments_with_open_reports_once_with_their_reasons(mod):
    twice = CommentFactory(body="Reported twice")
    report(twice, reason=CommentReport.Reason.SPAM, note="Buy-now link")
    report(twice, reason=CommentReport.Reason.OFF_TOPIC)
    resolved = CommentFactory(body="Dealt with")
    CommentReport.objects.create(
        comment=resolved,
        reporter=UserFactory(),
        reason=CommentReport.Reason.ABUSE,
        resolved_at=timezone.now(),
    )
    CommentFactory(body="Never reported")
    response = mod.get(url(queue="reported"))
    assert listed(response) == [twice.pk]
    assertContains(response, "Spam or advertising")
    assertContains(response, "“Buy-now link”")
    assertContains(response, "Off topic")
    assertContains(response, 'id="queue-reported"')
    tab = re.search(r'id="queue-reported">Reported <span[^>]*>(\d+)<', response.content.decode())
    assert tab.group(1) == "1"


def test_recently_moderated_lists_decisions_newest_first_with_who_took_them(
    mod, moderator, base_url
):
    older, newer = CommentFactory(body="Older"), CommentFactory(body="Newer")
    comment_moderate(comments=[older], by=moderator, action="remove", reason="abusive")
    comment_moderate(comments=[newer], by=moderator, action="spam")
    stale = CommentFactory(body="Long ago")
    comment_moderate(comments=[stale], by=moderator, action="remove", reason="abusive")
    ModerationLogEntry.objects.filter(comment=stale).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    response = mod.get(url(queue="recent"))
    assert listed(response) == [newer.pk, older.pk]
    assertContains(response, "Marked as spam by moderator")


def test_counts_stop_at_the_cap(mod, monkeypatch):
    monkeypatch.setattr("articles.moderation_queue.QUEUE_COUNT_CAP", 3)
    CommentFactory.create_batch(5, status=Comment.Status.PENDING)
    response = mod.get(url())
    assertContains(response, '<span class="moderation-count">3+</span>', html=True)


def test_the_list_pages_by_position(mod, monkeypatch):
    monkeypatch.setattr("articles.moderation_queue.PAGE_SIZE", 2)
    comments = CommentFactory.create_batch(5, status=Comment.Status.PENDING)
    first = mod.get(url())
    assert listed(first) == [comments[0].pk, comments[1].pk]
    next_url = re.search(r'href="([^"]+)" rel="next"', first.content.decode()).group(1)
    second = mod.get(next_url.replace("&amp;", "&"))
    assert listed(second) == [comments[2].pk, comments[3].pk]
    assertContains(second, "First page")


def test_an_unknown_queue_or_position_shows_pending_from_the_start(mod):
    comment = CommentFactory(status=Comment.Status.PENDING)
    for params in ({"queue": "nope"}, {"after": "x"}, {"at": "9" * 40}, {"view": "other"}):
        response = mod.get(reverse(PAGE), params)
        assert response.status_code == 200
        assert listed(response) == [comment.pk]


def test_an_empty_queue_says_so(mod):
    assertContains(mod.get(url()), "No comment is waiting for a moderator.")


# --- One at a time ---------------------------------------------------------------------------


def test_one_at_a_time_shows_the_thread_the_article_and_the_author(mod):
    article = ArticleFactory(headline="Harbour bridge reopens", slug="harbour-bridge")
    author = UserFactory(username="ferryfan")
    parent = CommentFactory(article=article, body="The top of the thread")
    before = CommentFactory(article=article, parent=parent, body="An earlier reply")
    held = CommentFactory(
        article=article,
        parent=parent,
        author=author,
        status=Comment.Status.PENDING,
        body="The reply to decide on",
        held_reason="It contains more links than the site allows without review.",
    )
    after = CommentFactory(article=article, parent=parent, body="A later reply")
    CommentFactory(author=author)
    gone = CommentFactory(author=author, status=Comment.Status.REMOVED, body="Rude words here")
    report(CommentFactory(author=author))
    response = mod.get(url(view="focus"))
    html = response.content.decode()
    assert listed(response) == [held.pk]
    assert html.index(parent.body) < html.index(before.body) < html.index(held.body)
    assert html.index(held.body) < html.index(after.body)
    assertContains(response, f'<a href="{article.get_absolute_url()}">Harbour bridge reopens</a>')
    assertContains(response, "It contains more links")
    assertContains(response, "About ferryfan")
    history = re.search(r"<dl>(.*?)</dl>", html[html.index("About ferryfan") :], re.S).group(1)
    assert re.findall(r"<dd>(\d+)</dd>", history) == ["2", "1", "1", "1"]
    assertContains(response, gone.body)
    assertContains(response, f"?author={author.pk}")
    assertContains(response, f'name="cursor" value="{held.pk}"')


def test_one_at_a_time_of_a_top_level_comment_shows_its_first_replies(mod):
    top = CommentFactory(status=Comment.Status.PENDING, body="Top held")
    CommentFactory(article=top.article, parent=top, body="First answer")
    response = mod.get(url(view="focus"))
    assertContains(response, "Its first replies")
    assertContains(response, "First answer")


# --- Decisions -------------------------------------------------------------------------------


def test_approving_one_at_a_time_moves_to_the_next_comment(mod, moderator, mailoutbox):
    first, second = CommentFactory.create_batch(2, status=Comment.Status.PENDING)
    response = mod.post(
        url(view="focus"), {"act_on": f"approve:{first.pk}", "cursor": first.pk}, follow=True
    )
    first.refresh_from_db()
    assert first.status == Comment.Status.VISIBLE
    assert ModerationLogEntry.objects.get(comment=first).moderator == moderator
    assert "1 comment approved." in messages_of(response)
    assert listed(response) == [second.pk]


def test_removing_needs_a_reason_and_keeps_the_explanation(mod):
    comment = CommentFactory(status=Comment.Status.PENDING)
    response = mod.post(
        url(view="focus"),
        {"act_on": f"remove:{comment.pk}", "explanation": "Please keep it civil."},
    )
    assert response.status_code == 400
    assertContains(response, "Choose a reason to remove a comment.", status_code=400)
    assertContains(response, "Please keep it civil.</textarea>", status_code=400)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING

    response = mod.post(
        url(view="focus"),
        {"act_on": f"remove:{comment.pk}", "reason": "abusive", "cursor": comment.pk},
        follow=True,
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED
    assert "1 comment removed." in messages_of(response)


def test_bulk_spam_from_the_list(mod):
    one, two, kept = CommentFactory.create_batch(3, status=Comment.Status.PENDING)
    response = mod.post(url(), {"action": "spam", "comments": [one.pk, two.pk]}, follow=True)
    assert "2 comments marked as spam." in messages_of(response)
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert statuses == {one.pk: "spam", two.pk: "spam", kept.pk: "pending"}
    assert listed(response) == [kept.pk]


def test_bulk_without_a_selection_or_an_action_says_what_is_missing(mod):
    comment = CommentFactory(status=Comment.Status.PENDING)
    response = mod.post(url(), {"action": "approve"})
    assertContains(response, "Select at least one comment first.", status_code=400)
    response = mod.post(url(), {"comments": [comment.pk]})
    assertContains(response, "Choose what to do with the selected comments.", status_code=400)
    assertContains(response, f'value="{comment.pk}" checked', status_code=400)
    response = mod.post(url(), {"act_on": f"ban:{comment.pk}"})
    assertContains(response, "That is not an action of this page.", status_code=400)


@pytest.mark.parametrize(
    "data",
    [
        {"act_on": "approve:²"},
        {"act_on": "approve:" + "9" * 40},
        {"action": "approve", "comments": ["²", "x"]},
        {"act_on": "approve:1\x00"},
    ],
)
def test_a_forged_decision_is_refused_with_a_message(mod, data):
    comment = CommentFactory(status=Comment.Status.PENDING)
    response = mod.post(url(after="²"), data)
    assert response.status_code == 400
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_the_page_offers_the_actions_that_exist_with_their_keys(mod):
    CommentFactory(status=Comment.Status.PENDING)
    response = mod.get(url(view="focus"))
    for action, key in (("approve", "a"), ("remove", "r"), ("spam", "s")):
        assertContains(response, f'data-action="{action}" aria-keyshortcuts="{key}"')
    # A held comment cannot be an editors' pick, and has no reports to dismiss.
    assertNotContains(response, 'data-action="feature"')
    assertNotContains(response, 'data-action="dismiss"')
    assertContains(response, 'name="reason" value="personal_data"')


def test_approving_a_comment_already_visible_changes_nothing_and_says_so(mod):
    comment = CommentFactory()
    report(comment)
    response = mod.post(url(queue="reported"), {"act_on": f"approve:{comment.pk}"}, follow=True)
    assert "Nothing changed: the comments already had that status." in messages_of(response)
    assert not ModerationLogEntry.objects.exists()


# --- Undo ------------------------------------------------------------------------------------


def test_undo_returns_an_approved_comment_to_the_queue(mod, moderator):
    comment = CommentFactory(status=Comment.Status.PENDING)
    mod.post(url(view="focus"), {"act_on": f"approve:{comment.pk}", "cursor": comment.pk})
    response = mod.post(url(view="focus"), {"undo": "1"}, follow=True)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    undo = ModerationLogEntry.objects.order_by("-pk").first()
    assert undo.action == ModerationLogEntry.Action.UNDO
    assert undo.moderator == moderator
    assert "Undone: 1 comment is back as it was." in messages_of(response)
    assert listed(response) == [comment.pk]
    assert mod.session[UNDO_SESSION_KEY] == []


def test_undo_of_a_removal_reopens_its_reports(mod):
    comment = CommentFactory()
    open_report = report(comment)
    mod.post(url(queue="reported"), {"act_on": f"remove:{comment.pk}", "reason": "hate"})
    open_report.refresh_from_db()
    assert open_report.resolved_at is not None
    response = mod.post(url(queue="reported"), {"undo": "1"}, follow=True)
    comment.refresh_from_db()
    open_report.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE
    assert open_report.resolved_at is None
    assert listed(response) == [comment.pk]
    last = ModerationLogEntry.objects.order_by("-pk").first()
    assert last.action == ModerationLogEntry.Action.APPROVE
    assert "Undo of log entry" in last.details


def test_undo_takes_back_a_whole_bulk_decision_then_the_one_before(mod):
    a, b, c = CommentFactory.create_batch(3, status=Comment.Status.PENDING)
    mod.post(url(), {"act_on": f"approve:{a.pk}"})
    mod.post(url(), {"action": "spam", "comments": [b.pk, c.pk]})
    response = mod.get(url())
    assertContains(response, "Undo Spam (2 comments)")
    mod.post(url(), {"undo": "1"})
    assert dict(Comment.objects.values_list("pk", "status")) == {
        a.pk: "visible",
        b.pk: "pending",
        c.pk: "pending",
    }
    mod.post(url(), {"undo": "1"})
    a.refresh_from_db()
    assert a.status == Comment.Status.PENDING
    response = mod.post(url(), {"undo": "1"}, follow=True)
    assert "Nothing to undo." in messages_of(response)


def test_undo_refuses_when_the_comment_was_moderated_since(mod, base_url):
    comment = CommentFactory(status=Comment.Status.PENDING)
    mod.post(url(), {"act_on": f"approve:{comment.pk}"})
    other = UserFactory(username="other-mod", is_staff=True, is_superuser=True)
    comment_moderate(comments=[comment], by=other, action="remove", reason="abusive")
    response = mod.post(url(), {"undo": "1"}, follow=True)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED
    assert any("moderated again since" in message for message in messages_of(response))


def test_undo_service_checks_rights_and_the_previous_status(moderator, reader, base_url):
    comment = CommentFactory(status=Comment.Status.PENDING)
    comment_moderate(comments=[comment], by=moderator, action="approve")
    entry = ModerationLogEntry.objects.get(comment=comment)
    with pytest.raises(PermissionDenied):
        comment_moderation_undo(entry=entry, by=reader, previous_status="pending")
    for previous in ("visible", "nonsense"):
        with pytest.raises(ValidationError):
            comment_moderation_undo(entry=entry, by=moderator, previous_status=previous)
    comment_moderation_undo(entry=entry, by=moderator, previous_status="pending")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    with pytest.raises(ValidationError):
        comment_moderation_undo(entry=entry, by=moderator, previous_status="pending")


def test_undo_of_a_visible_comment_marked_spam_makes_it_visible_again(mod, moderator):
    comment = CommentFactory(article=ArticleFactory(slug="undo-cache"))
    mod.post(url(queue="recent"), {"act_on": f"spam:{comment.pk}"})
    mod.post(url(queue="recent"), {"undo": "1"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE
    assertContains(mod.get(comment.article.get_absolute_url()), comment.body)


# --- Cost ------------------------------------------------------------------------------------


def _pending(count: int) -> None:
    articles = ArticleFactory.create_batch(3)
    authors = UserFactory.create_batch(3)
    for n in range(count):
        comment = CommentFactory(
            article=articles[n % 3], author=authors[n % 3], status=Comment.Status.PENDING
        )
        if n % 4 == 0:
            report(comment)


@pytest.mark.parametrize("view", ["list", "focus"])
@pytest.mark.parametrize("queue", ["pending", "reported", "recent"])
def test_queries_do_not_grow_with_the_queue(
    mod, moderator, django_assert_max_num_queries, queue, view, base_url
):
    _pending(5)
    comment_moderate(comments=Comment.objects.all()[:2], by=moderator, action="spam")
    with CaptureQueriesContext(connection) as small:
        assert mod.get(url(queue=queue, view=view)).status_code == 200
    _pending(95)
    comment_moderate(
        comments=Comment.objects.filter(status="pending")[:40], by=moderator, action="spam"
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = mod.get(url(queue=queue, view=view))
    assert 1 <= len(listed(response)) <= (25 if view == "list" else 1)


def test_a_page_of_a_thousand_pending_comments_weighs_under_300_kb(mod):
    article = ArticleFactory()
    authors = UserFactory.create_batch(20)
    body = "A long comment about the harbour bridge and its tolls. " * 40
    Comment.objects.bulk_create(
        Comment(
            article=article,
            author=authors[n % 20],
            body=body,
            body_html=comment_body_html(body),
            status=Comment.Status.PENDING,
        )
        for n in range(1000)
    )
    for view in ("list", "focus"):
        response = mod.get(url(view=view))
        assert len(response.content) < 300_000
    assertContains(response, '<span class="moderation-count">1,000</span>', html=True)


def _explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}" if POSTGRESQL else f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def test_the_queue_queries_read_the_comments_through_an_index(mod, moderator, base_url):
    """On a table big enough for the planner to choose, no query of the page reads every
    comment (PostgreSQL: no Seq Scan; SQLite: no SCAN without an index)."""
    articles = ArticleFactory.create_batch(20)
    authors = UserFactory.create_batch(50)
    statuses = [Comment.Status.VISIBLE] * 199 + [Comment.Status.PENDING]
    comments = Comment.objects.bulk_create(
        Comment(
            article=articles[n % 20],
            author=authors[n % 50],
            body="A comment.",
            body_html="<p>A comment.</p>",
            status=statuses[n % 200],
        )
        for n in range(30_000)
    )
    CommentReport.objects.bulk_create(
        CommentReport(comment=comment, reporter=authors[0], reason="spam")
        for comment in comments[::600]
    )
    comment_moderate(comments=comments[1:3], by=moderator, action="remove", reason="abusive")
    with connection.cursor() as cursor:
        for table in ("articles_comment", "articles_commentreport", "articles_moderationlogentry"):
            cursor.execute(f"ANALYZE {table}")
    plans = []
    for queue in ("pending", "reported", "recent"):
        for view in ("list", "focus"):
            with CaptureQueriesContext(connection) as queries:
                assert mod.get(url(queue=queue, view=view)).status_code == 200
            for query in queries.captured_queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT") or "articles_comment" not in sql:
                    continue
                plan = _explain(sql)
                pattern = (
                    r"Seq Scan on articles_comment\b"
                    if POSTGRESQL
                    else r"SCAN articles_comment\b(?! USING)"
                )
                assert not re.search(pattern, plan), f"{queue} {view}\n{sql}\n{plan}"
                plans.append((queue, sql, plan))
    # On PostgreSQL the held comments, in id order, come from their own small index, not
    # from walking the primary key past every older comment (SQLite reads the status index).
    pending_pages = [
        plan
        for queue, sql, plan in plans
        if queue == "pending" and "ORDER BY" in sql and "'pending'" in sql
    ]
    assert pending_pages
    if POSTGRESQL:
        assert all("comment_pending_idx" in plan for plan in pending_pages), pending_pages

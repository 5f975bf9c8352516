"""The optional outside checks against a fake service on loopback: Akismet's spam, ham and
"discard", a toxicity model's score, and a service that fails, is slow or is gone (no
verdict, the post goes through, one log line a minute)."""

import json
import logging
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains

from articles.models import Comment
from newsroom.logs import OUTAGES
from tests.helpers import post_comment

pytestmark = pytest.mark.django_db


class FakeService:
    """An HTTP server on 127.0.0.1 answering every POST with ``answer(path, body)``:
    (status, headers, text). It records what it was sent."""

    def __init__(self):
        self.requests = []
        self.answer = lambda path, body: (200, {}, "false")
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                service.requests.append(
                    {"path": self.path, "body": body, "type": self.headers["Content-Type"]}
                )
                status, headers, text = service.answer(self.path, body)
                data = text.encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake():
    service = FakeService()
    yield service
    service.stop()


@pytest.fixture(autouse=True)
def fresh_outage_log():
    OUTAGES.reset()
    yield
    OUTAGES.reset()


@pytest.fixture
def akismet(fake, settings):
    settings.NEWSROOM_AKISMET_KEY = "abc123"
    settings.NEWSROOM_AKISMET_URL = fake.url
    settings.NEWSROOM_COMMENT_CHECK_TIMEOUT = 0.5
    return fake


@pytest.fixture
def toxicity(fake, settings):
    settings.NEWSROOM_TOXICITY_URL = f"{fake.url}/v1alpha1/comments:analyze"
    settings.NEWSROOM_TOXICITY_KEY = "k3y"
    settings.NEWSROOM_TOXICITY_THRESHOLD = 0.8
    settings.NEWSROOM_COMMENT_CHECK_TIMEOUT = 0.5
    return fake


def scored(value):
    return lambda path, body: (
        200,
        {"Content-Type": "application/json"},
        json.dumps({"attributeScores": {"TOXICITY": {"summaryScore": {"value": value}}}}),
    )


# Akismet ---------------------------------------------------------------------------------


def test_akismet_is_not_asked_without_a_key(client, article, commenter, fake, settings):
    settings.NEWSROOM_AKISMET_URL = fake.url
    client.force_login(commenter)
    post_comment(client, article, "Hello")
    assert fake.requests == []
    assert Comment.objects.get().status == Comment.Status.VISIBLE


def test_akismet_ham_is_published_and_gets_the_comment_check_fields(
    client, article, commenter, akismet
):
    client.force_login(commenter)
    client.post(
        reverse("articles:comment-post", kwargs={"slug": article.slug}),
        {"body": "A fine bridge"},
        headers={"user-agent": "Firefox/140"},
    )
    assert Comment.objects.get().status == Comment.Status.VISIBLE
    (sent,) = akismet.requests
    assert sent["path"] == "/1.1/comment-check"
    assert sent["type"].startswith("application/x-www-form-urlencoded")
    fields = dict(urllib.parse.parse_qsl(sent["body"].decode()))
    assert fields["api_key"] == "abc123"
    assert fields["blog"] == "http://testserver"
    assert fields["user_ip"] == "127.0.0.1"
    assert fields["user_agent"] == "Firefox/140"
    assert fields["comment_type"] == "comment"
    assert fields["comment_author"] == "commenter"
    assert fields["comment_author_email"] == commenter.email
    assert fields["comment_content"] == "A fine bridge"
    assert fields["permalink"] == f"http://testserver{article.get_absolute_url()}"


def test_akismet_spam_is_held(client, article, commenter, akismet):
    akismet.answer = lambda path, body: (200, {}, "true")
    client.force_login(commenter)
    post_comment(client, article, "Cheap watches")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == "Our spam filter flagged it; a moderator checks it first."


def test_akismet_blatant_spam_is_rejected(client, article, commenter, akismet):
    akismet.answer = lambda path, body: (200, {"X-akismet-pro-tip": "discard"}, "true")
    client.force_login(commenter)
    response = post_comment(client, article, "Cheap watches")
    assertContains(response, "our spam filter is sure it is spam", status_code=400)
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "answer",
    [
        lambda path, body: (500, {}, "Internal Server Error"),
        lambda path, body: (200, {"X-akismet-debug-help": "Empty key"}, "invalid"),
    ],
    ids=["500", "invalid key"],
)
def test_akismet_failing_gives_no_verdict_and_logs_once(
    client, article, commenter, akismet, caplog, answer, settings
):
    settings.NEWSROOM_COMMENT_RATE = "100/m"
    akismet.answer = answer
    client.force_login(commenter)
    with caplog.at_level(logging.WARNING, logger="articles.moderation.adapters"):
        post_comment(client, article, "First")
        post_comment(client, article, "Second")
    assert set(Comment.objects.values_list("status", flat=True)) == {Comment.Status.VISIBLE}
    outages = [r for r in caplog.records if r.name == "articles.moderation.adapters"]
    assert len(outages) == 1
    assert "Akismet" in outages[0].getMessage()


def test_a_slow_akismet_is_not_waited_for(client, article, commenter, akismet):
    def slow(path, body):
        time.sleep(2)
        return 200, {}, "true"

    akismet.answer = slow
    client.force_login(commenter)
    assert post_comment(client, article, "Hello").status_code == 302
    assert Comment.objects.get().status == Comment.Status.VISIBLE


def test_an_akismet_that_is_gone_gives_no_verdict(client, article, commenter, akismet):
    akismet.stop()
    client.force_login(commenter)
    assert post_comment(client, article, "Hello").status_code == 302
    assert Comment.objects.get().status == Comment.Status.VISIBLE


# Toxicity ---------------------------------------------------------------------------------


def test_a_toxic_comment_is_sent_back_to_revise_then_held(client, article, commenter, toxicity):
    toxicity.answer = scored(0.93)
    client.force_login(commenter)
    response = post_comment(client, article, "You are all fools")
    assertContains(response, "This looks like it may break our community guidelines.")
    assertContains(response, "Post anyway for review")
    assert not Comment.objects.exists()
    sent = toxicity.requests[0]
    assert sent["path"] == "/v1alpha1/comments:analyze?key=k3y"
    payload = json.loads(sent["body"])
    assert payload["comment"] == {"text": "You are all fools"}
    assert "TOXICITY" in payload["requestedAttributes"]

    post_comment(client, article, "You are all fools", post_anyway="1")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert "may be hurtful" in comment.held_reason


def test_a_score_under_the_threshold_is_published(client, article, commenter, toxicity):
    toxicity.answer = scored(0.79)
    client.force_login(commenter)
    post_comment(client, article, "I disagree")
    assert Comment.objects.get().status == Comment.Status.VISIBLE


@pytest.mark.parametrize(
    "answer",
    [
        lambda path, body: (500, {}, "oops"),
        lambda path, body: (200, {}, "not json"),
        lambda path, body: (200, {}, json.dumps({"attributeScores": {}})),
    ],
    ids=["500", "not json", "no score"],
)
def test_a_failing_toxicity_model_gives_no_verdict(
    client, article, commenter, toxicity, caplog, answer
):
    toxicity.answer = answer
    client.force_login(commenter)
    with caplog.at_level(logging.WARNING, logger="articles.moderation.adapters"):
        assert post_comment(client, article, "Hello").status_code == 302
    assert Comment.objects.get().status == Comment.Status.VISIBLE
    assert any("toxicity" in r.getMessage() for r in caplog.records)


def test_a_slow_toxicity_model_is_not_waited_for(client, article, commenter, toxicity):
    def slow(path, body):
        time.sleep(2)
        return scored(0.99)(path, body)

    toxicity.answer = slow
    client.force_login(commenter)
    assert post_comment(client, article, "Hello").status_code == 302
    assert Comment.objects.get().status == Comment.Status.VISIBLE

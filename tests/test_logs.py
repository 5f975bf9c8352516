"""Logs: one line per request, JSON when asked, and never a password, token, session id or
full email address (newsroom/logs.py, newsroom.middleware.RequestLogMiddleware)."""

import json
import logging

from django.conf import settings
from django.test import Client
from django.urls import reverse

import pytest

from newsroom.logs import JSONFormatter, Redact, Throttle, mask_emails, sentry_before_send
from tests.helpers import closed_port, run_django

PLAIN = logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"])


class Kept(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def request_lines():
    """The request log's records (its logger does not propagate, so caplog misses them)."""
    handler = Kept()
    logger = logging.getLogger("newsroom.requests")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)


def written(record: logging.LogRecord) -> tuple[str, str]:
    """The record as the site's handlers write it: redacted, then plain and JSON."""
    Redact().filter(record)
    return PLAIN.format(record), JSONFormatter().format(record)


@pytest.mark.django_db
def test_each_request_is_one_line_with_method_path_status_duration_and_user(
    client, article, reader, request_lines
):
    client.get(f"{article.get_absolute_url()}?utm_source=newsletter")
    client.force_login(reader)
    client.get(reverse("accounts:profile"))

    anonymous, logged_in = request_lines
    assert anonymous.getMessage().startswith(f"GET {article.get_absolute_url()} 200 ")
    assert anonymous.getMessage().endswith("ms user=anonymous")
    assert (anonymous.method, anonymous.path, anonymous.status) == (
        "GET",
        article.get_absolute_url(),
        200,
    )
    assert anonymous.duration_ms >= 0
    assert "utm_source" not in anonymous.getMessage()
    assert (logged_in.status, logged_in.user) == (200, reader.pk)
    entry = json.loads(written(logged_in)[1])
    assert {key: entry[key] for key in ("logger", "method", "status", "user")} == {
        "logger": "newsroom.requests",
        "method": "GET",
        "status": 200,
        "user": reader.pk,
    }


@pytest.mark.django_db
def test_a_request_that_never_looks_up_its_user_costs_no_query_to_log(
    client, reader, request_lines, django_assert_num_queries
):
    client.force_login(reader)

    with django_assert_num_queries(0):
        response = client.get("/static/css/site.css")

    assert response.status_code == 200
    assert request_lines[-1].user == "-"


@pytest.mark.django_db
def test_secret_parts_of_a_path_are_masked_in_the_request_line(client, request_lines):
    client.get("/accounts/password/reset/key/4z-c7k2p9-s3cr3tk3y0000/")
    client.get("/preview/s/eyJwayI6MX0.s3cr3tpr3v13w/")

    reset, preview = (record.getMessage() for record in request_lines)
    assert "s3cr3t" not in reset + preview
    assert reset.startswith("GET /accounts/password/reset/key/4z-***/ ")
    assert preview.startswith("GET /preview/s/***/ ")


@pytest.mark.django_db
def test_a_failing_login_logs_its_traceback_without_password_session_or_email(
    reader, caplog, monkeypatch
):
    def directory_down(self, request, **credentials):
        raise RuntimeError(f"The directory did not answer for {credentials}")

    monkeypatch.setattr(
        "allauth.account.auth_backends.AuthenticationBackend.authenticate", directory_down
    )
    client = Client(raise_request_exception=False)
    client.force_login(reader)  # a session cookie, whose id must not be logged
    session_id = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.logout()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_id

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.post(
            reverse("account_login"),
            {"login": "ada.lovelace@example.org", "password": "hunter2-harbour-lights"},
        )

    assert response.status_code == 500
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    plain, as_json = written(record)
    for line in (plain, as_json):
        assert "RuntimeError: The directory did not answer" in line  # the traceback is there
        assert "hunter2-harbour-lights" not in line
        assert "ada.lovelace@example.org" not in line
        assert "a***@example.org" in line
        assert session_id not in line
    entry = json.loads(as_json)
    assert entry["level"] == "ERROR"
    assert entry["request"] == "POST /accounts/login/"
    assert "Traceback (most recent call last)" in entry["traceback"]


def test_extra_fields_named_like_secrets_are_dropped_and_emails_masked():
    record = logging.makeLogRecord(
        {
            "name": "newsroom.tests",
            "msg": "Signed up %s",
            "args": ("mara.ellison@example.org",),
            "password": "hunter2",
            "csrfmiddlewaretoken": "abc123",
            "sessionid": "s3ss10n",
            "form": {"email": "tomas@example.com", "password1": "hunter2", "name": "Tomas"},
        }
    )

    plain, as_json = written(record)

    assert plain.endswith("newsroom.tests: Signed up m***@example.org")
    entry = json.loads(as_json)
    assert "password" not in entry and "csrfmiddlewaretoken" not in entry
    assert "sessionid" not in entry
    assert entry["form"] == {"email": "t***@example.com", "name": "Tomas"}
    assert "hunter2" not in as_json


def test_emails_are_masked_to_their_first_letter_and_domain():
    assert mask_emails("to m.ellison+news@mail.example.org, b@x.io") == (
        "to m***@mail.example.org, b***@x.io"
    )
    assert mask_emails("no address @ here") == "no address @ here"


def test_every_handler_redacts():
    handlers = settings.LOGGING["handlers"]
    assert handlers and all("redact" in handler["filters"] for handler in handlers.values())


def test_the_log_format_is_plain_or_json():
    code = "from django.conf import settings; print(settings.LOGGING['handlers']['console'])"
    assert "'formatter': 'json'" in run_django(code, NEWSROOM_LOG_FORMAT="json").stdout
    assert "'formatter': 'plain'" in run_django(code).stdout
    result = run_django("", NEWSROOM_LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "NEWSROOM_LOG_FORMAT must be 'plain' or 'json'" in result.stderr


def test_sentry_is_on_with_a_dsn_and_sends_no_personal_data():
    code = (
        "import sentry_sdk; client = sentry_sdk.get_client(); o = client.options; "
        "print(client.is_active(), o['send_default_pii'], o['include_local_variables'], "
        "o['environment'])"
    )
    dsn = f"http://public@127.0.0.1:{closed_port()}/1"  # nobody there: nothing leaves

    assert run_django(code, SENTRY_DSN=dsn).stdout.split() == [
        "True",
        "False",
        "False",
        "development",
    ]
    assert run_django(code).stdout.split()[0] == "False"


def test_what_goes_to_sentry_has_its_email_addresses_masked():
    event = {
        "logentry": {"message": "Reset asked for ada@example.org"},
        "exception": {"values": [{"value": "No account for tomas@example.com"}]},
    }

    cleaned = sentry_before_send(event, {})

    assert cleaned["logentry"]["message"] == "Reset asked for a***@example.org"
    assert cleaned["exception"]["values"][0]["value"] == "No account for t***@example.com"


def test_an_outage_is_logged_once_a_minute_for_each_dependency():
    now = [1000.0]
    throttle = Throttle(60, clock=lambda: now[0])
    assert throttle.allows("database")
    assert not throttle.allows("database")  # the next request, same outage
    assert throttle.allows("cache")  # another dependency has its own minute
    now[0] += 59
    assert not throttle.allows("database")
    now[0] += 1
    assert throttle.allows("database")

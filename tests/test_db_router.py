"""A read replica: anonymous readers' pages read from it, everyone else from the primary."""

from tests.helpers import run_django

ROUTE = """
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from articles.models import Article
from newsroom.db_router import ReplicaReadsMiddleware, ReplicaRouter

seen = []
def view(request):
    seen.append(ReplicaRouter().db_for_read(Article))
    return HttpResponse()

middleware = ReplicaReadsMiddleware(view)
factory = RequestFactory()
middleware(factory.get("/"))
logged_in = factory.get("/")
logged_in.COOKIES[settings.SESSION_COOKIE_NAME] = "a-session"
middleware(logged_in)
middleware(factory.post("/"))
seen.append(ReplicaRouter().db_for_read(Article))  # outside any request
print(seen, settings.DATABASE_ROUTERS, sorted(settings.DATABASES))
"""


def test_anonymous_reads_go_to_the_replica_and_the_rest_to_the_primary(tmp_path):
    result = run_django(ROUTE, DATABASE_REPLICA_URL=f"sqlite:///{tmp_path / 'replica.sqlite3'}")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "['replica', None, None, None] ['newsroom.db_router.ReplicaRouter'] ['default', 'replica']"
    )


def test_writes_and_migrations_stay_on_the_primary():
    from newsroom.db_router import ReplicaRouter

    router = ReplicaRouter()
    assert router.db_for_write(None) == "default"
    assert router.allow_migrate("default", "articles")
    assert not router.allow_migrate("replica", "articles")


def test_without_a_replica_there_is_no_router():
    result = run_django(
        "from django.conf import settings as s; print(s.DATABASE_ROUTERS, list(s.DATABASES))"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[] ['default']"

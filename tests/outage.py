"""``python -m tests.outage STEP...``, run by tests/test_faults.py in a process of its own.

Requests go through the site's WSGI application (``newsroom.wsgi``), as gunicorn sends
them: unlike the test client, it opens and closes database connections around each
request as production does (``request_started``/``request_finished``), so recovery is
tested as it happens. With ``--relay`` the database is reached through a loopback relay to
PostgreSQL that the steps cut (the port then refuses), stall (it accepts and never answers)
and restore; ``DATABASE_URL`` names its port as ``{relay}``.

Steps: ``GET:/path`` (prints ``ANSWER`` and a JSON object: status, milliseconds,
Retry-After, body),
``cut``, ``stall``, ``restore``, ``mkdir:/some/dir``.
"""

import io
import json
import os
import socket
import sys
import threading
import time
import wsgiref.util
from contextlib import suppress

UPSTREAM = ("127.0.0.1", 5432)
# Marks the answers on stdout, where the site's own request lines go too.
ANSWER = "ANSWER"


class Relay:
    """127.0.0.1:port → PostgreSQL, bytes both ways, until cut."""

    def __init__(self):
        self.listener = None
        self.port = 0
        self.mode = "relay"
        self.sockets: list[socket.socket] = []
        self.open()

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(8)
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """The database goes away: open connections drop, new ones are refused."""
        # shutdown() first: on Linux a close() leaves the port listening while the accepting
        # thread waits.
        with suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for sock in self.sockets:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets.clear()

    def stall(self) -> None:
        """The database stops answering: connections are accepted, nothing comes back."""
        self.cut()
        self.mode = "stall"
        self.open()

    def restore(self) -> None:
        self.cut()
        self.mode = "relay"
        self.open()

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            self.sockets.append(client)
            if self.mode == "stall":
                continue
            upstream = socket.create_connection(UPSTREAM, timeout=5)
            upstream.settimeout(None)
            self.sockets.append(upstream)
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source, target) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            return
        finally:
            for sock in (source, target):
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


def get(application, path: str) -> dict:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "HTTP_HOST": "news.example.org",
        "HTTP_X_FORWARDED_PROTO": "https",
        "wsgi.input": io.BytesIO(),
    }
    wsgiref.util.setup_testing_defaults(environ)
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["retry_after"] = dict(headers).get("Retry-After")

    started = time.monotonic()
    result = application(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        result.close()  # request_finished: the connection is closed or kept here
    answer["ms"] = round((time.monotonic() - started) * 1000)
    answer["path"] = path
    answer["body"] = body.decode(errors="replace")
    return answer


def main(argv: list[str]) -> None:
    relay = None
    if argv and argv[0] == "--relay":
        argv = argv[1:]
        relay = Relay()
        os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].replace("{relay}", str(relay.port))

    from django.conf import settings

    from newsroom.settings import settings_module

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())
    # The production settings, but static files found where they are: no collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    from newsroom.wsgi import application

    for step in argv:
        name, _sep, argument = step.partition(":")
        if name == "GET":
            print(ANSWER, json.dumps(get(application, argument)), flush=True)
        elif name == "mkdir":
            os.makedirs(argument)
        else:
            getattr(relay, name)()


if __name__ == "__main__":
    main(sys.argv[1:])

"""What reaches the logs: the route a request took, never its path, query string or form values.

A path can carry a secret (the member's calendar token in /groups/calendar/<token>.ics), a query
string the place someone typed, and an exception's message the values of a failed query (an
e-mail address in a unique-constraint error). So every record logged with a request (Django's
`django.request` on each 4xx/5xx, `django.security.*`) names the URL pattern instead of the path,
every traceback keeps its frames but not its messages, and gunicorn's own error and access logs
(GunicornLogger, named in gunicorn.conf.py) do the same with the URI they quote.
"""

import logging
import traceback
from urllib.parse import urlsplit

from django.conf import settings

NO_ROUTE = "(no route)"


def route_of(request):
    """The URL pattern a request matched ("/groups/calendar/<str:token>.ics"), never its path."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return f"/{match.route}"
    return route_of_path(getattr(request, "path_info", "") or "")


def route_of_path(path):
    """The URL pattern a path (or a full URI with a query string) matches, or "(no route)"."""
    from django.urls import resolve

    try:
        path = urlsplit(path).path or "/"
        if path.startswith(settings.STATIC_URL):
            return settings.STATIC_URL  # served by WhiteNoise before URL resolution
        return f"/{resolve(path).route}"
    except Exception:  # no match (Resolver404), or Django not set up in this process: name nothing
        return NO_ROUTE


def without_values(exc_info):
    """A traceback with its frames (files, lines and the code on them) but each exception's type
    alone: messages can quote the data that failed."""
    _, error, _ = exc_info
    chain, seen = [], set()
    while error is not None and id(error) not in seen:
        chain.append(error)
        seen.add(id(error))
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    lines = []
    for error in reversed(chain):
        lines.append("Traceback (most recent call last):\n")
        lines.extend(traceback.StackSummary.extract(traceback.walk_tb(error.__traceback__)).format())
        lines.append(f"{type(error).__module__}.{type(error).__qualname__} (message withheld)\n")
    return "".join(lines).rstrip("\n")


def _variants(text):
    """The text as it may appear in a record: as is, and escaped the way Django escapes log arguments."""
    return {text, text.encode("unicode_escape").decode("ascii")} if text else set()


class RedactFilter(logging.Filter):
    """Rewrites records in place; never drops one."""

    def filter(self, record):
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            self._redact_request(record, request)
        elif isinstance(record.msg, str) and record.msg.startswith("Error handling request"):
            self._redact_uri(record)  # gunicorn: "Error handling request %s %s" (method, uri)
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = without_values(record.exc_info)
            record.exc_info = None
        return True

    def _redact_request(self, record, request):
        route = route_of(request)
        secret = set()
        for value in (request.path, request.get_full_path(), getattr(request, "path_info", "")):
            secret |= _variants(value)
        query = request.META.get("QUERY_STRING", "")
        args = record.args if isinstance(record.args, tuple) else ()
        args = tuple(route if isinstance(arg, str) and arg in secret else arg for arg in args)
        try:
            message = record.msg % args if args else str(record.msg)
        except (TypeError, ValueError):
            message = str(record.msg)
        probe = message.replace(route, "")  # a path with nothing variable in it is its own route
        leaked = [value for value in secret | _variants(query) if value and value != "/" and value in probe]
        if leaked:
            status = getattr(record, "status_code", "")
            message = f"{record.levelname.title()} {status} at {route}".replace("  ", " ")
        record.msg, record.args = message, ()

    def _redact_uri(self, record):
        args = record.args if isinstance(record.args, tuple) else ()
        record.args = tuple(route_of_path(arg) if isinstance(arg, str) and arg.startswith("/") else arg for arg in args)


class AccessRedactFilter(logging.Filter):
    """gunicorn's access log (off unless --access-logfile is given): the request line, path, query
    string and referrer replaced by the route."""

    def filter(self, record):
        atoms = record.args if isinstance(record.args, dict) else None
        if atoms is None:
            return True
        route = route_of_path(atoms.get("U", "") or "")
        method = atoms.get("m", "-")
        atoms = dict(atoms)
        atoms.update(r=f"{method} {route} {atoms.get('H', '')}".strip(), U=route, q="", f="-")
        record.args = atoms
        return True


def gunicorn_logger_class():
    """gunicorn's logger with both filters on; imported by gunicorn.conf.py only (gunicorn is not
    needed to import this module)."""
    from gunicorn.glogging import Logger

    class GunicornLogger(Logger):
        def setup(self, cfg):
            super().setup(cfg)
            self.error_log.addFilter(RedactFilter())
            self.access_log.addFilter(AccessRedactFilter())

    return GunicornLogger

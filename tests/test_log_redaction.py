"""gunicorn's own logs, in-process: its access log and its "Error handling request" line name
the route a request took, never the path (a member's calendar token), the query string (the
place someone typed) or the referrer. The servers themselves are exercised in tests/faults."""

import logging

from dbtselfhelp.logs import AccessRedactFilter, RedactFilter, gunicorn_logger_class, route_of_path

TOKEN = "Zq8cR2x-secret-calendar-token"


def access_record(atoms):
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, '%(h)s "%(r)s" %(s)s "%(f)s"', (), None)
    record.args = atoms  # gunicorn passes a dict of atoms; LogRecord's constructor would unwrap it
    return record


def test_the_access_log_names_the_route_and_drops_query_and_referrer():
    record = access_record(
        {
            "h": "203.0.113.9",
            "m": "GET",
            "U": f"/groups/calendar/{TOKEN}.ics",
            "q": "near=Harlem",
            "H": "HTTP/1.1",
            "r": f"GET /groups/calendar/{TOKEN}.ics?near=Harlem HTTP/1.1",
            "s": "200",
            "f": f"https://example.org/groups/calendar/{TOKEN}.ics",
        }
    )
    assert AccessRedactFilter().filter(record) is True
    line = record.getMessage()
    assert line == '203.0.113.9 "GET /groups/calendar/<str:token>.ics HTTP/1.1" 200 "-"'
    assert TOKEN not in line and "Harlem" not in line


def test_an_access_record_without_atoms_is_passed_as_it_is():
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "plain %s", ("words",), None)
    assert AccessRedactFilter().filter(record) is True
    assert record.getMessage() == "plain words"


def test_gunicorns_error_handling_line_quotes_the_route():
    record = logging.LogRecord(
        "gunicorn.error",
        logging.ERROR,
        __file__,
        1,
        "Error handling request %s %s",
        ("GET", f"/groups/calendar/{TOKEN}.ics?x=1"),
        None,
    )
    assert RedactFilter().filter(record) is True
    assert record.getMessage() == "Error handling request GET /groups/calendar/<str:token>.ics"


def test_routes_of_static_files_and_unknown_paths():
    assert route_of_path("/static/css/site.abc123.css") == "/static/"
    assert route_of_path(f"/no/such/{TOKEN}") == "(no route)"
    assert route_of_path("https://example.org/groups/?near=Leeds") == "/groups/"


def test_the_gunicorn_logger_puts_both_filters_on():
    from gunicorn.config import Config

    logger = gunicorn_logger_class()(Config())
    assert any(isinstance(f, RedactFilter) for f in logger.error_log.filters)
    assert any(isinstance(f, AccessRedactFilter) for f in logger.access_log.filters)

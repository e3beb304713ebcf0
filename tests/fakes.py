"""Stand-ins for outside services, so no test talks to the network."""

import smtplib
from dataclasses import dataclass

from geopy.exc import GeocoderServiceError, GeocoderTimedOut, GeocoderUnavailable


@dataclass
class FakeAnswer:
    """What geopy's geocoders return: a point and the address they understood."""

    latitude: float
    longitude: float
    address: str


class FakeGeocoder:
    """Behaves like geopy's Nominatim. Use it with settings.GEOCODER = "tests.fakes.FakeGeocoder".

    The code under test builds its own instance, so the script and the record live on the class:
    call FakeGeocoder.reset() before and after each test.

    - answers: query -> FakeAnswer; the key "*" answers any other query. Unknown queries get None.
    - mode: "answer" (the default), "timeout" (geopy's GeocoderTimedOut), "error" (GeocoderServiceError),
      "unavailable" (GeocoderUnavailable), or "socket" (ConnectionRefusedError, as a refused connection would).
    - calls: every (query, timeout) asked, in order.
    """

    answers: dict[str, FakeAnswer] = {}
    mode = "answer"
    calls: list[tuple[str, float | None]] = []

    @classmethod
    def reset(cls):
        cls.answers = {}
        cls.mode = "answer"
        cls.calls = []

    @classmethod
    def queries(cls):
        return [query for query, _ in cls.calls]

    def geocode(self, query, exactly_one=True, timeout=None):
        type(self).calls.append((query, timeout))
        if self.mode == "timeout":
            raise GeocoderTimedOut("Service timed out")
        if self.mode == "error":
            # as geopy's adapters do, the message quotes the request, and so the place typed
            raise GeocoderServiceError(f"HTTP Error 503: Service Unavailable for /search?q={query}")
        if self.mode == "unavailable":
            raise GeocoderUnavailable("Service not available")
        if self.mode == "socket":
            raise ConnectionRefusedError(111, "Connection refused")
        return self.answers.get(query, self.answers.get("*"))


class BrokenEmailBackend:
    """A mail server that is down: every send raises."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")

    def open(self):
        raise ConnectionRefusedError("the mail server is down")

    def close(self):
        pass


class RefusingSMTPBackend:
    """A mail server that answers but refuses every message for now (SMTP 451), as a full or
    rate-limiting relay does."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPDataError(451, b"4.3.0 Try again later")

    def open(self):
        pass

    def close(self):
        pass

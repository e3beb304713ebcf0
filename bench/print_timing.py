"""How long the printed list and a flyer take, as pages and as PDFs, on the configured database.

    DJANGO_DEBUG=1 python manage.py shell < bench/print_timing.py      # after `make run` made the demo data

Twenty requests each through Django's test client (full middleware, views, templates and WeasyPrint),
after one warm-up request; prints the median and the slowest in milliseconds and the size. The PDF
rate limit is lifted for the run. Nothing is written to the database.
"""

import statistics
import time

from django.test import Client
from django.test.utils import setup_test_environment

from groups.models import PeerGroup
from groups.views import outreach

setup_test_environment()
outreach.PDF_RATE = "100000/h"
client = Client()
group = PeerGroup.objects.published().order_by("pk").first()
paths = ["/groups/print/?near=10027", "/groups/print.pdf?near=10027"]
if group is not None:
    paths += [f"/groups/{group.slug}/flyer/", f"/groups/{group.slug}/flyer.pdf"]
for path in paths:
    client.get(path)
    times = []
    for _ in range(20):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
    print(
        f"{path:60} {response.status_code} median {statistics.median(times):7.1f} ms  "
        f"slowest {max(times):7.1f} ms  {len(response.content):,} bytes"
    )

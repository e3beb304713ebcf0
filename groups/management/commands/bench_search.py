"""Benchmark the search page against a group page and /healthz, at 1,000 groups and at N.
The search pages include the map drawn on the server (groups/maps.py), as every visitor gets it.

Run it against a database made for it: it adds synthetic groups (slugs "bench-…") and
removes earlier ones. For example, on PostgreSQL:

    createdb -h 127.0.0.1 -U postgres dbtsh_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dbtsh_bench python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dbtsh_bench python manage.py bench_search --groups 100000

Requests go through Django's test client in this process (full middleware, views and
templates; no network), after one warm-up pass, so the figures are the application's own.
"""

import random
import statistics
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from groups.demo import generate_groups, sample_places
from groups.models import MeetingTime, PeerGroup, Place


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


class Command(BaseCommand):
    help = "Measure search, group page and /healthz at 1,000 groups and at --groups N (adds synthetic groups)."

    def add_arguments(self, parser):
        parser.add_argument("--groups", type=int, default=100_000)
        parser.add_argument("--places", type=int, default=200)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--small", type=int, default=1000, help="The smaller size to compare with.")

    def handle(self, *args, groups, places, seed, small, **options):
        if groups < small:
            raise CommandError("--groups must be at least --small.")
        if not Place.objects.filter(country_code__in=["US", "GB"]).exists():
            call_command("load_places", countries="US,GB", stdout=self.stdout)
        rng = random.Random(seed)
        self.stdout.write(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
        self.remove_bench_groups()
        rows = []
        with override_settings(ALLOWED_HOSTS=["testserver", "localhost"], DEBUG=False):
            for size in (small, groups):
                existing = PeerGroup.objects.filter(slug__startswith="bench-").count()
                if size > existing:
                    started = time.perf_counter()
                    generate_groups(count=size - existing, seed=seed + size)
                    self.stdout.write(f"Added {size - existing} groups in {time.perf_counter() - started:.0f} s.")
                self.analyse()
                rows.extend(self.measure(size, rng, places))
                if size == groups:
                    break
        self.report(rows, small, groups)

    def remove_bench_groups(self):
        bench = PeerGroup.objects.filter(slug__startswith="bench-")
        if bench.exists():
            MeetingTime.objects.filter(group__in=bench).delete()
            bench.delete()

    def analyse(self):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE groups_peergroup; ANALYZE groups_meetingtime; ANALYZE groups_place;")

    def time_requests(self, client, urls):
        for url in urls:  # warm-up: geocoder cache, template cache, connection
            client.get(url)
        timings = []
        for url in urls:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
        return timings

    def measure(self, size, rng, count):
        client = Client()
        searches = [f"/groups/?near={label}" for label in sample_places(rng, count)]
        bench = PeerGroup.objects.filter(slug__startswith="bench-")
        slugs = list(bench.order_by("?").values_list("slug", flat=True)[:count])
        pages = [f"/groups/{slug}/" for slug in slugs]
        results = {
            "search": self.time_requests(client, searches),
            "group page": self.time_requests(client, pages),
            "healthz": self.time_requests(client, ["/healthz"] * count),
        }
        queries, maps = [], 0
        for url in searches[:50]:
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            if b'class="results"' in response.content:  # only pages that list groups
                queries.append(len(ctx.captured_queries))
                maps += b'<svg class="svg-map"' in response.content  # the map drawn on the server
        # A page with very few results: one mile around a group's public point.
        lone = PeerGroup.objects.filter(slug__startswith="bench-", public_latitude__isnull=False).first()
        url = f"/groups/?lat={lone.public_latitude}&lng={lone.public_longitude}&radius=1&units=mi"
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        few = f"{len(ctx.captured_queries)} for {response.content.count(b'class="group-card result-card"')} results"
        rows = []
        for page, timings in results.items():
            row = {
                "groups": size,
                "page": page,
                "median": statistics.median(timings),
                "p95": percentile(timings, 0.95),
                "queries": f"{min(queries)}–{max(queries)} for 20 results; {few}; map on {maps} of {len(queries)}"
                if page == "search"
                else "",
            }
            rows.append(row)
            self.stdout.write(f"  {size:>7} {page:<11} median {row['median']:7.2f} ms  p95 {row['p95']:7.2f} ms")
        return rows

    def report(self, rows, small, large):
        self.stdout.write("")
        self.stdout.write("| groups | page | median ms | p95 ms | SQL queries per page |")
        self.stdout.write("| ---: | --- | ---: | ---: | --- |")
        for row in rows:
            self.stdout.write(
                f"| {row['groups']:,} | {row['page']} | {row['median']:.2f} | {row['p95']:.2f} | {row['queries']} |"
            )
        by = {(r["groups"], r["page"]): r for r in rows}
        self.stdout.write("")
        for size in (small, large):
            ratio = by[(size, "search")]["median"] / by[(size, "group page")]["median"]
            self.stdout.write(f"search / group page median at {size:,} groups: {ratio:.2f}")
        growth = by[(large, "search")]["median"] / by[(small, "search")]["median"]
        self.stdout.write(f"search median {large:,} / {small:,} groups: {growth:.2f}")

"""Benchmark the waiting lists: N requests spread like the population, then a group published in
a dense city. Measures what a moderator's approval costs (the fan-out is only enqueued), how long
finding the matching requests takes from the index, and queueing their alert e-mails.

Run it against a database made for it (it adds requests with addresses "bench-…@example.org" and
removes earlier ones), on PostgreSQL:

    createdb -h 127.0.0.1 -U postgres dbtsh_bench_waiting
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/dbtsh_bench_waiting
    python manage.py migrate && python manage.py bench_waiting --requests 1000000
"""

import random
import statistics
import time
from datetime import time as dt_time
from datetime import timedelta

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from accounts.models import MODERATORS_GROUP, User
from groups import alerts, services
from groups.cells import cell_for
from groups.models import GroupFacilitator, MeetingTime, PeerGroup, Place
from groups.waiting import WaitingAlert, WaitingRequest
from outbox.models import OutgoingEmail

BATCH = 20_000


class Command(BaseCommand):
    help = "Measure publishing a group against --requests N people waiting (adds synthetic requests)."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=11)
        parser.add_argument("--city", default="Chicago", help="a dense city to publish the group in")

    def handle(self, *args, requests, seed, city, **options):
        rng = random.Random(seed)
        if not Place.objects.filter(country_code__in=["US", "GB"]).exists():
            call_command("load_places", countries="US,GB", stdout=self.stdout)
        self.stdout.write(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
        PeerGroup.objects.filter(slug__startswith="bench-waiting").delete()
        existing = WaitingRequest.objects.filter(email__startswith="bench-").count()
        if existing != requests:  # a second run at the same size reuses the requests of the first
            WaitingRequest.objects.filter(email__startswith="bench-").delete()
            started = time.perf_counter()
            self.fill(rng, requests)
            self.stdout.write(f"Added {requests:,} waiting requests in {time.perf_counter() - started:.0f} s.")
        WaitingRequest.objects.filter(email__startswith="bench-").update(last_alert_at=None)  # nobody told yet
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE groups_waitingrequest")
        place = Place.objects.filter(name=city, country_code="US").order_by("-population").first()
        lead = User.objects.filter(email="bench-lead@example.org").first() or User.objects.create_user(
            email="bench-lead@example.org", password=None, display_name="Bench"
        )
        moderator = self.bench_moderator()
        now = timezone.now()

        # Finding the matches from the index, several times (a fresh group each time).
        times, counts = [], []
        for i in range(5):
            group = self.make_group(place, lead, f"bench-waiting-{i}")
            t = time.perf_counter()
            counts.append(alerts.matching_requests(group, now).count())
            times.append((time.perf_counter() - t) * 1000)
        self.stdout.write(
            f"Matching requests near {place.label}: {counts[0]:,} found; "
            f"median {statistics.median(times):.1f} ms, max {max(times):.1f} ms (5 runs)"
        )
        if connection.vendor == "postgresql":
            group = PeerGroup.objects.get(slug="bench-waiting-0")
            sql, params = alerts.matching_requests(group, now).values("pk").query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                plan = [row[0] for row in cursor.fetchall()]
            self.stdout.write("  " + "\n  ".join(line for line in plan if "Index" in line or "Execution" in line))

        # The moderator's approval: the fan-out is a task row, not done in the request.
        with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
            group = self.make_group(place, lead, "bench-waiting-approve", status=PeerGroup.Status.PENDING)
            t = time.perf_counter()
            services.group_approve(group=group, by=moderator)
            approve_ms = (time.perf_counter() - t) * 1000
        self.stdout.write(f"Approval, fan-out enqueued on the worker: {approve_ms:.1f} ms")

        # The fan-out itself (what the worker does): one alert row and one outbox e-mail per match.
        before = OutgoingEmail.objects.count()
        t = time.perf_counter()
        with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
            sent = alerts.send_alerts(group_id=group.pk, reason=WaitingAlert.Reason.PUBLISHED, now=now)
        fan_out = time.perf_counter() - t
        queued = OutgoingEmail.objects.count() - before
        self.stdout.write(
            f"Fan-out: {sent:,} alert e-mails queued ({queued:,} in the outbox) in {fan_out:.1f} s, "
            f"{sent / fan_out if fan_out else 0:.0f} a second"
        )
        t = time.perf_counter()
        again = alerts.send_alerts(group_id=group.pk, reason=WaitingAlert.Reason.PUBLISHED, now=now)
        self.stdout.write(f"The same task run again: {again} e-mails, {time.perf_counter() - t:.1f} s")
        OutgoingEmail.objects.filter(pk__gt=0, to__startswith="bench-").delete()

    def bench_moderator(self):
        """A moderator with the role and an authenticator app: the approval service checks both."""
        moderator = User.objects.filter(email="bench-moderator@example.org").first()
        if moderator is None:
            moderator = User.objects.create_user(
                email="bench-moderator@example.org", password=None, display_name="Bench moderator"
            )
            role, _created = Group.objects.get_or_create(name=MODERATORS_GROUP)
            role.permissions.add(Permission.objects.get(codename="moderate", content_type__app_label="accounts"))
            moderator.groups.add(role)
            TOTP.activate(moderator, generate_totp_secret())
        return User.objects.get(pk=moderator.pk)  # permissions read afresh

    def make_group(self, place, lead, slug, status=PeerGroup.Status.PUBLISHED):
        PeerGroup.objects.filter(slug=slug).delete()
        group = PeerGroup.objects.create(
            name=slug,
            slug=slug,
            description="Benchmark",
            status=status,
            contact_name="Bench",
            town=place.name,
            region=place.region_code,
            country=place.country_code,
            latitude=place.latitude,
            longitude=place.longitude,
            time_zone=place.time_zone or "UTC",
            language="en",
        )
        MeetingTime.objects.create(group=group, weekday=1, start=dt_time(19), end=dt_time(20))
        GroupFacilitator.objects.get_or_create(group=group, user=lead, defaults={"role": GroupFacilitator.Role.LEAD})
        return group

    def fill(self, rng, count):
        towns = list(
            Place.objects.filter(country_code__in=["US", "GB"], population__gte=1000).values_list(
                "latitude", "longitude", "population"
            )
        )
        weights = [t[2] for t in towns]
        now = timezone.now()
        area_km, cell_km = float(settings.WAITING_AREA_KM), float(settings.WAITING_CELL_KM)
        made = 0
        while made < count:
            rows = []
            for lat, lng, _pop in rng.choices(towns, weights=weights, k=min(BATCH, count - made)):
                lat, lng = lat + rng.gauss(0, 0.08), lng + rng.gauss(0, 0.08)
                cell = cell_for(max(-90, min(90, lat)), lng, size_km=cell_km)
                clat, clng = cell.centre
                fmt = rng.choices(["either", "in_person", "online"], weights=[6, 3, 1])[0]
                rows.append(
                    WaitingRequest(
                        email=f"bench-{made + len(rows)}@example.org",
                        cell_latitude=clat,
                        cell_longitude=clng,
                        cell_key=cell.key,
                        area_key=cell_for(clat, clng, size_km=area_km).key,
                        radius_km=rng.choice([8.0, 16.1, 40.2, 80.5]),
                        format=fmt,
                        language="en",
                        created_at=now,
                        confirmed_at=now,
                        expires_at=now + timedelta(days=365),
                    )
                )
            with transaction.atomic():
                WaitingRequest.objects.bulk_create(rows, batch_size=5000)
            made += len(rows)

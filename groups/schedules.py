"""The meeting times' stored next meeting and weekly slot, kept current so the search can order
online groups by their next meeting and filter them by the viewer's time of day in SQL, exactly,
on every page (see MeetingTime.refresh_schedule). `manage.py refresh_meeting_times` runs this
from cron every few minutes; rows go stale only as their meetings end."""

from datetime import datetime, timedelta

from django.db.models import Prefetch, Q

from .models import MeetingTime, Notice

BATCH = 2000


def refresh_meeting_times(*, now: datetime, everything: bool = False) -> int:
    """Refresh the rows whose meeting has ended (or every row): returns how many changed."""
    rows = (
        MeetingTime.objects.all()
        if everything
        else MeetingTime.objects.filter(Q(next_end_at__lte=now) | Q(next_end_at__isnull=True))
    )
    cancellations = Notice.objects.filter(cancels_meeting=True, date__gte=now.date() - timedelta(days=2))
    rows = rows.select_related("group").prefetch_related(
        Prefetch("group__notices", queryset=cancellations, to_attr="current_notices")
    )
    changed, total = [], 0
    for meeting in rows.order_by("pk").iterator(chunk_size=BATCH):
        if meeting.refresh_schedule(now, skip=meeting.group.cancelled_dates(now)):
            changed.append(meeting)
        if len(changed) >= BATCH:
            MeetingTime.objects.bulk_update(changed, ["utc_minute_of_week", "next_start_at", "next_end_at"])
            total, changed = total + len(changed), []
    MeetingTime.objects.bulk_update(changed, ["utc_minute_of_week", "next_start_at", "next_end_at"])
    return total + len(changed)

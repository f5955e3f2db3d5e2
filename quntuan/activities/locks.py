"""Row locks for the activities app, in one place.

Registration, cancellation, approval and promotion all lock the activity row first, so seats are
counted and the waitlist is promoted one request at a time. Booking locks the venue row, so the
conflict check and the insert happen one booking at a time (the exclusion constraint on
PostgreSQL is the backstop)."""

from __future__ import annotations

from quntuan.activities.models import Activity, Registration, Venue


def lock_activity(activity: Activity | int) -> Activity:
    pk = activity.pk if isinstance(activity, Activity) else activity
    return Activity.objects.select_for_update().get(pk=pk)


def lock_venue(venue: Venue | int) -> Venue:
    pk = venue.pk if isinstance(venue, Venue) else venue
    return Venue.objects.select_for_update().get(pk=pk)


def lock_registration(registration: Registration | int) -> Registration:
    pk = registration.pk if isinstance(registration, Registration) else registration
    return Registration.objects.select_for_update().get(pk=pk)

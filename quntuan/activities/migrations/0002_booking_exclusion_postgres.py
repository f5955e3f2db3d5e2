"""No two active bookings of one venue may overlap: a GiST exclusion constraint over
(venue WITH =, tstzrange(block_start, block_end) WITH &&), on PostgreSQL only.

SQLite has no exclusion constraints; there the booking service checks inside its write
transaction, which SQLite serializes (transaction_mode IMMEDIATE). The constraint is not part of
the model state, so the same models and migrations serve both databases.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CONSTRAINT = "booking_venue_no_overlap"


def _constraint():
    from django.contrib.postgres.constraints import ExclusionConstraint
    from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
    from django.db.models import Func, Q

    class TsTzRange(Func):
        function = "TSTZRANGE"
        output_field = DateTimeRangeField()

    return ExclusionConstraint(
        name=CONSTRAINT,
        expressions=[
            ("venue", RangeOperators.EQUAL),
            (TsTzRange("block_start", "block_end", RangeBoundary()), RangeOperators.OVERLAPS),
        ],
        condition=Q(status="active"),
    )


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.add_constraint(apps.get_model("activities", "Booking"), _constraint())


def remove_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_constraint(apps.get_model("activities", "Booking"), _constraint())


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0001_venues_activities_bookings_registrations"),
    ]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(add_constraint, remove_constraint),
    ]

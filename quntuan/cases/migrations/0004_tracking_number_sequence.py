"""Tracking numbers from a PostgreSQL sequence instead of a locked counter row.

On PostgreSQL, TrackingSequence.last becomes the sequence value a day's numbers are counted from
(the day's part of the number is nextval - last). Days already in the table keep their numbers:
the sequence continues after the largest counter, and each day's base is set so that its next
number follows the last one given. SQLite keeps the counter; nothing changes there.
"""

from django.db import migrations

SEQUENCE = "cases_tracking_no_seq"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.connection.ops.quote_name(apps.get_model("cases", "TrackingSequence")._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE} AS bigint")
        cursor.execute(f"SELECT COALESCE(MAX(last), 0) FROM {table}")  # noqa: S608
        (top,) = cursor.fetchone()
        if top:
            cursor.execute("SELECT setval(%s, %s, true)", [SEQUENCE, top])
            cursor.execute(f"UPDATE {table} SET last = %s - last", [top])  # noqa: S608


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.connection.ops.quote_name(apps.get_model("cases", "TrackingSequence")._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        # Back to counters: the last number given each day is at most the sequence's position
        # minus the day's base.
        cursor.execute(f"SELECT last_value FROM {SEQUENCE}")  # noqa: S608
        (position,) = cursor.fetchone()
        cursor.execute(f"UPDATE {table} SET last = GREATEST(%s - last, 0)", [position])  # noqa: S608
        cursor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0003_covering_indexes_for_queues_and_rates"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]

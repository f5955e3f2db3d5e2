"""An index on a requester's own recent cases in the district, for the duplicate check at intake
(the same person asking again). Built concurrently on PostgreSQL, as in 0011."""

from django.db import migrations, models

from quntuan.cases.migrations._concurrent import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("cases", "0011_case_updated_at_index"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="case",
            index=models.Index(fields=["district", "requester_mobile", "-received_at"], name="case_district_mobile"),
        ),
    ]

"""An index on cases' ``updated_at`` for the search index's periodic refresh. On PostgreSQL it is
built with CREATE INDEX CONCURRENTLY (the migration runs outside a transaction), so intake and
handling keep writing to the big table while it is built; elsewhere it is a plain CREATE INDEX."""

from django.db import migrations, models

from quntuan.cases.migrations._concurrent import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("cases", "0010_case_clues"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="case",
            index=models.Index(fields=["updated_at"], name="case_updated_at"),
        ),
    ]

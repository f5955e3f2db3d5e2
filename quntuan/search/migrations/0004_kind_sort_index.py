"""The newest documents of one kind first: ``(kind, sort_at DESC)`` replaces ``(sort_at DESC)``
(nothing orders across kinds). On PostgreSQL built CONCURRENTLY."""

from django.db import migrations, models


class IndexSQL(migrations.RunSQL):
    """The same index by vendor: CONCURRENTLY on PostgreSQL, plainly on SQLite."""

    def __init__(self, postgres, sqlite):
        self.postgres, self.sqlite = postgres, sqlite
        super().__init__(postgres[0], postgres[1])

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for sql in (self.postgres if schema_editor.connection.vendor == "postgresql" else self.sqlite)[0]:
            schema_editor.execute(sql)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for sql in (self.postgres if schema_editor.connection.vendor == "postgresql" else self.sqlite)[1]:
            schema_editor.execute(sql)


FORWARD = "CREATE INDEX {c}IF NOT EXISTS search_doc_kind_sort ON search_document (kind, sort_at DESC)"
DROP_OLD = "DROP INDEX {c}IF EXISTS search_doc_sort_at"
BACKWARD = "CREATE INDEX {c}IF NOT EXISTS search_doc_sort_at ON search_document (sort_at DESC)"
DROP_NEW = "DROP INDEX {c}IF EXISTS search_doc_kind_sort"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("search", "0003_gin_index_per_kind"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="searchdocument", name="search_doc_sort_at"),
                migrations.AddIndex(
                    model_name="searchdocument",
                    index=models.Index(fields=["kind", "-sort_at"], name="search_doc_kind_sort"),
                ),
            ],
            database_operations=[
                IndexSQL(
                    postgres=([FORWARD.format(c="CONCURRENTLY "), DROP_OLD.format(c="CONCURRENTLY ")],
                              [BACKWARD.format(c="CONCURRENTLY "), DROP_NEW.format(c="CONCURRENTLY ")]),
                    sqlite=([FORWARD.format(c=""), DROP_OLD.format(c="")],
                            [BACKWARD.format(c=""), DROP_NEW.format(c="")]),
                ),
            ],
        ),
    ]

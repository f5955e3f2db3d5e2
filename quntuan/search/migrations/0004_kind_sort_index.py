"""The newest documents of one kind first: ``(kind, sort_at DESC)`` replaces ``(sort_at DESC)``
(nothing orders across kinds). On PostgreSQL built CONCURRENTLY."""

from django.db import migrations, models

from quntuan.search.migrations._index_sql import IndexSQL


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

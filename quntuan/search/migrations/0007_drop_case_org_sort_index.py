"""The cases an organization handles are no longer probed by ``(organization_id, sort_at DESC)``:
the week-scoped keys (0006) let the full-text index read an organization's last weeks itself, so
the index ``search_doc_case_org_sort`` only cost writes and space. On PostgreSQL dropped
CONCURRENTLY."""

from django.db import migrations

from quntuan.search.migrations import _index_sql

SQL = "CREATE INDEX {c}IF NOT EXISTS search_doc_case_org_sort ON search_document (organization_id, sort_at DESC) " \
      "WHERE kind = 'case'"
DROP = "DROP INDEX {c}IF EXISTS search_doc_case_org_sort"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("search", "0006_case_week_keys"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="searchdocument", name="search_doc_case_org_sort"),
            ],
            database_operations=[
                _index_sql.IndexSQL(
                    postgres=([DROP.format(c="CONCURRENTLY ")], [SQL.format(c="CONCURRENTLY ")]),
                    sqlite=([DROP.format(c="")], [SQL.format(c="")]),
                ),
            ],
        ),
    ]

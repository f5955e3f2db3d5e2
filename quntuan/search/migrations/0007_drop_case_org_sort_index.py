"""The cases an organization handles are no longer probed by ``(organization_id, sort_at DESC)``:
the week-scoped keys (0006) let the full-text index read an organization's last weeks itself, so
the index ``search_doc_case_org_sort`` only cost writes and space. On PostgreSQL dropped
CONCURRENTLY."""

from importlib import import_module

from django.db import migrations

from quntuan.search.migrations import _index_sql

_ADDED = import_module("quntuan.search.migrations.0005_case_org_sort_index")  # its index, dropped here
SQL, DROP = _ADDED.SQL, _ADDED.DROP


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

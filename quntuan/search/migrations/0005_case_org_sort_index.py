"""The cases an organization handles, newest first: ``(organization_id, sort_at DESC) WHERE kind =
'case'``. On PostgreSQL built CONCURRENTLY. Case documents indexed before this release carry
``co`` keys for their handling organization (now ``ch``): they are still found, but a staff
member's search is fast only after ``manage.py search_reindex --kind case`` (or ``--fresh``)."""

from django.db import migrations, models

from quntuan.search.migrations import _index_sql

SQL = "CREATE INDEX {c}IF NOT EXISTS search_doc_case_org_sort ON search_document (organization_id, sort_at DESC) " \
      "WHERE kind = 'case'"
DROP = "DROP INDEX {c}IF EXISTS search_doc_case_org_sort"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("search", "0004_kind_sort_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="searchdocument",
                    index=models.Index(fields=["organization_id", "-sort_at"], condition=models.Q(kind="case"),
                                       name="search_doc_case_org_sort"),
                ),
            ],
            database_operations=[
                _index_sql.IndexSQL(
                    postgres=([SQL.format(c="CONCURRENTLY ")], [DROP.format(c="CONCURRENTLY ")]),
                    sqlite=([SQL.format(c="")], [DROP.format(c="")]),
                ),
            ],
        ),
    ]

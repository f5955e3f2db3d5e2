"""PostgreSQL: one partial GIN index per kind instead of one over every document, so a search
of the catalogue, plans or activities never reads the posting lists of the cases, and a kind's
query needs no kind key. Built CONCURRENTLY (searches and index refreshes go on meanwhile).
"""

from django.db import migrations

KINDS = ("service", "plan", "activity", "case")
FORWARD = [
    *(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS search_doc_fts_{kind} ON search_document "
      f"USING gin (content_tsv, acl_tsv) WHERE kind = '{kind}'" for kind in KINDS),
    "DROP INDEX CONCURRENTLY IF EXISTS search_document_fts",
]
BACKWARD = [
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS search_document_fts ON search_document USING gin (content_tsv, acl_tsv)",
    *(f"DROP INDEX CONCURRENTLY IF EXISTS search_doc_fts_{kind}" for kind in KINDS),
]


class PostgresRunSQL(migrations.RunSQL):
    """RunSQL on PostgreSQL only (SQLite's FTS5 table is one per database already)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("search", "0002_fulltext_postgres_tsvector_sqlite_fts5"),
    ]

    operations = [
        PostgresRunSQL(FORWARD, BACKWARD),
    ]

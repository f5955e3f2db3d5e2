"""The full-text structures of the search index, one per database:

* PostgreSQL: generated ``tsvector`` columns, ``content_tsv`` (title tokens weighted A, body
  tokens D, config ``simple`` over the space-joined jieba tokens) and ``acl_tsv`` (permission
  keys), with one GIN index over both, so that a query and its permission filter are answered
  by one index scan.
* SQLite: an FTS5 table ``search_fts`` whose content is ``search_document`` (external content),
  kept in step by three triggers; ranked with bm25.

Neither is part of the model state: the same models serve both databases.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    """
    ALTER TABLE search_document
      ADD COLUMN content_tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(title_tokens, '')), 'A')
        || to_tsvector('simple', coalesce(body_tokens, ''))
      ) STORED,
      ADD COLUMN acl_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(acl, ''))) STORED
    """,
    "CREATE INDEX search_document_fts ON search_document USING gin (content_tsv, acl_tsv)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_document_fts",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS content_tsv, DROP COLUMN IF EXISTS acl_tsv",
]

_FTS_INSERT = ("INSERT INTO search_fts(rowid, title_tokens, body_tokens, acl) "
               "VALUES (new.id, new.title_tokens, new.body_tokens, new.acl);")
_FTS_DELETE = ("INSERT INTO search_fts(search_fts, rowid, title_tokens, body_tokens, acl) "
               "VALUES ('delete', old.id, old.title_tokens, old.body_tokens, old.acl);")
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title_tokens, body_tokens, acl, content='search_document', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER search_fts_insert AFTER INSERT ON search_document BEGIN {_FTS_INSERT} END",
    f"CREATE TRIGGER search_fts_delete AFTER DELETE ON search_document BEGIN {_FTS_DELETE} END",
    f"CREATE TRIGGER search_fts_update AFTER UPDATE ON search_document BEGIN {_FTS_DELETE} {_FTS_INSERT} END",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]


class VendorRunSQL(migrations.RunSQL):
    """RunSQL that runs on one database vendor only (and does nothing on the others)."""

    def __init__(self, vendor: str, sql, reverse_sql=None, **kwargs):
        self.vendor = vendor
        super().__init__(sql, reverse_sql, **kwargs)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        VendorRunSQL("postgresql", POSTGRES_FORWARD, POSTGRES_BACKWARD),
        VendorRunSQL("sqlite", SQLITE_FORWARD, SQLITE_BACKWARD),
    ]

"""RunSQL by database vendor, for the search migrations' indexes (no app imports)."""

from django.db import migrations


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

"""Case documents carry each of their keys scoped to the case's week as well (``ch3x2t2920``, see
``permissions.week_keys``), so that a search reads an organization's or a district's last weeks
first. This adds them to the documents indexed before: the search trusts a window of weeks only if
every case document has them. In batches of ids (one transaction each), so a large index is
never locked as a whole; rows written meanwhile already carry them and are left alone."""

import re
from datetime import UTC, date

from django.db import migrations

BATCH = 50_000
WEEK_ZERO = date(1970, 1, 5)  # permissions.WEEK_ZERO, fixed here as the migration's own
SCOPED = r"t[0-9]+( |$)"
_SCOPED = re.compile(r"t[0-9]+$")

POSTGRES = f"""
UPDATE search_document SET acl = acl || ' ' || (
    SELECT string_agg(k || 't' || (((sort_at AT TIME ZONE 'UTC')::date - date '{WEEK_ZERO}') / 7), ' ')
    FROM unnest(string_to_array(acl, ' ')) AS k WHERE k <> '' AND k <> 'kc')
WHERE kind = 'case' AND id >= %s AND id < %s AND acl !~ '{SCOPED}'"""


def add_week_keys(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM search_document WHERE kind = 'case'")
        low, high = cursor.fetchone()
    if low is None:
        return
    document = apps.get_model("search", "SearchDocument")
    for start in range(low, high + 1, BATCH):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(POSTGRES, [start, start + BATCH])
            continue
        changed = []
        for doc in document.objects.filter(kind="case", pk__gte=start, pk__lt=start + BATCH).only("id", "acl", "sort_at"):
            keys = doc.acl.split()
            if any(_SCOPED.search(k) for k in keys):
                continue
            week = (doc.sort_at.astimezone(UTC).date() - WEEK_ZERO).days // 7
            doc.acl = " ".join([*keys, *(f"{k}t{week}" for k in keys if k != "kc")])
            changed.append(doc)
        document.objects.bulk_update(changed, ["acl"], batch_size=1000)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("search", "0005_case_org_sort_index"),
    ]

    operations = [
        migrations.RunPython(add_week_keys, migrations.RunPython.noop, elidable=True),
    ]

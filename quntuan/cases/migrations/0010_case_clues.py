"""The duplicate check's clues stored with each case. A nullable column without a default: on
PostgreSQL adding it changes only the catalogue (no table rewrite, however many cases there are);
existing cases get their clues lazily when they are next a candidate, or in batches with
``manage.py case_clues``."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_district_address_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="clues",
            field=models.JSONField(blank=True, editable=False, null=True, verbose_name="重复检测线索"),
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0005_drop_indexes_covered_by_composites"),
    ]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="status",
            field=models.CharField(
                choices=[("pending", "待签收"), ("transferring", "转办待接收"), ("in_progress", "办理中"),
                         ("awaiting_material", "待补充材料"), ("closed", "已办结"),
                         ("transferred_out", "已转政府部门"), ("merged", "已并入")],
                default="pending", max_length=20, verbose_name="状态",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["community", "-received_at"], name="case_community_recent"),
        ),
        # 三率 leaves merged cases out: the covering index carries the status too.
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["first_inquirer_org", "received_at"], name="case_fi_org_received_st",
                               include=["contacted_at", "first_contact_due_at", "status"]),
        ),
        migrations.RemoveIndex(model_name="case", name="case_fi_org_received"),
    ]

"""Activity and volunteer-hour rollups (see quntuan/assessment/rollups.py) with the PostgreSQL
triggers that keep them exact, and their first fill. SQL frozen here; other databases get the
tables only."""

from django.conf import settings
from django.db import migrations, models

MONTH = "date_trunc('month', {col} AT TIME ZONE '%(tz)s')::date"

FUNCTIONS = """
CREATE OR REPLACE FUNCTION quntuan_rollup_activity_apply(a activities_activity, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO assessment_activitymonthstat (month, district_id, street_id, host_id, kind, status, activities, checkins)
  VALUES (%(m_a_start)s, a.district_id, a.street_id, a.primary_host_id, a.kind, a.status, sign,
          sign * (SELECT count(*) FROM activities_checkin WHERE activity_id = a.id));
  INSERT INTO assessment_volunteermonthstat (month, district_id, street_id, host_id, minutes)
  SELECT %(m_s_start)s, a.district_id, a.street_id, a.primary_host_id, sign * sum(r.minutes)
  FROM volunteers_shift s JOIN volunteers_servicerecord r ON r.shift_id = s.id AND r.status = 'confirmed'
  WHERE s.activity_id = a.id GROUP BY 1 HAVING sum(r.minutes) <> 0;
END $$;

CREATE OR REPLACE FUNCTION quntuan_rollup_activity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM quntuan_rollup_activity_apply(OLD, -1); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM quntuan_rollup_activity_apply(NEW, 1); END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION quntuan_rollup_checkin_apply(p_activity bigint, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO assessment_activitymonthstat (month, district_id, street_id, host_id, kind, status, activities, checkins)
  SELECT %(m_a_start)s, a.district_id, a.street_id, a.primary_host_id, a.kind, a.status, 0, sign
  FROM activities_activity a WHERE a.id = p_activity;
END $$;

CREATE OR REPLACE FUNCTION quntuan_rollup_checkin() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM quntuan_rollup_checkin_apply(OLD.activity_id, -1); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM quntuan_rollup_checkin_apply(NEW.activity_id, 1); END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION quntuan_rollup_record_apply(r volunteers_servicerecord, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF r.status <> 'confirmed' OR r.minutes = 0 THEN RETURN; END IF;
  INSERT INTO assessment_volunteermonthstat (month, district_id, street_id, host_id, minutes)
  SELECT %(m_s_start)s, a.district_id, a.street_id, a.primary_host_id, sign * r.minutes
  FROM volunteers_shift s JOIN activities_activity a ON a.id = s.activity_id WHERE s.id = r.shift_id;
END $$;

CREATE OR REPLACE FUNCTION quntuan_rollup_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM quntuan_rollup_record_apply(OLD, -1); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM quntuan_rollup_record_apply(NEW, 1); END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION quntuan_rollup_shift_apply(s volunteers_shift, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO assessment_volunteermonthstat (month, district_id, street_id, host_id, minutes)
  SELECT %(m_s_start)s, a.district_id, a.street_id, a.primary_host_id, sign * sum(r.minutes)
  FROM volunteers_servicerecord r JOIN activities_activity a ON a.id = s.activity_id
  WHERE r.shift_id = s.id AND r.status = 'confirmed'
  GROUP BY a.district_id, a.street_id, a.primary_host_id HAVING sum(r.minutes) <> 0;
END $$;

CREATE OR REPLACE FUNCTION quntuan_rollup_shift() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM quntuan_rollup_shift_apply(OLD, -1); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM quntuan_rollup_shift_apply(NEW, 1); END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER quntuan_rollup_activity_insdel AFTER INSERT OR DELETE ON activities_activity
  FOR EACH ROW EXECUTE FUNCTION quntuan_rollup_activity();
CREATE TRIGGER quntuan_rollup_activity_upd AFTER UPDATE ON activities_activity FOR EACH ROW
  WHEN (OLD.start IS DISTINCT FROM NEW.start OR OLD.district_id IS DISTINCT FROM NEW.district_id
        OR OLD.street_id IS DISTINCT FROM NEW.street_id OR OLD.primary_host_id IS DISTINCT FROM NEW.primary_host_id
        OR OLD.kind IS DISTINCT FROM NEW.kind OR OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION quntuan_rollup_activity();
CREATE TRIGGER quntuan_rollup_checkin_insdel AFTER INSERT OR DELETE ON activities_checkin
  FOR EACH ROW EXECUTE FUNCTION quntuan_rollup_checkin();
CREATE TRIGGER quntuan_rollup_checkin_upd AFTER UPDATE ON activities_checkin FOR EACH ROW
  WHEN (OLD.activity_id IS DISTINCT FROM NEW.activity_id) EXECUTE FUNCTION quntuan_rollup_checkin();
CREATE TRIGGER quntuan_rollup_record_insdel AFTER INSERT OR DELETE ON volunteers_servicerecord
  FOR EACH ROW EXECUTE FUNCTION quntuan_rollup_record();
CREATE TRIGGER quntuan_rollup_record_upd AFTER UPDATE ON volunteers_servicerecord FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.minutes IS DISTINCT FROM NEW.minutes
        OR OLD.shift_id IS DISTINCT FROM NEW.shift_id)
  EXECUTE FUNCTION quntuan_rollup_record();
CREATE TRIGGER quntuan_rollup_shift_del AFTER DELETE ON volunteers_shift
  FOR EACH ROW EXECUTE FUNCTION quntuan_rollup_shift();
CREATE TRIGGER quntuan_rollup_shift_upd AFTER UPDATE ON volunteers_shift FOR EACH ROW
  WHEN (OLD.start IS DISTINCT FROM NEW.start OR OLD.activity_id IS DISTINCT FROM NEW.activity_id)
  EXECUTE FUNCTION quntuan_rollup_shift();
"""

DROP = """
DROP TRIGGER IF EXISTS quntuan_rollup_activity_insdel ON activities_activity;
DROP TRIGGER IF EXISTS quntuan_rollup_activity_upd ON activities_activity;
DROP TRIGGER IF EXISTS quntuan_rollup_checkin_insdel ON activities_checkin;
DROP TRIGGER IF EXISTS quntuan_rollup_checkin_upd ON activities_checkin;
DROP TRIGGER IF EXISTS quntuan_rollup_record_insdel ON volunteers_servicerecord;
DROP TRIGGER IF EXISTS quntuan_rollup_record_upd ON volunteers_servicerecord;
DROP TRIGGER IF EXISTS quntuan_rollup_shift_del ON volunteers_shift;
DROP TRIGGER IF EXISTS quntuan_rollup_shift_upd ON volunteers_shift;
DROP FUNCTION IF EXISTS quntuan_rollup_activity();
DROP FUNCTION IF EXISTS quntuan_rollup_activity_apply(activities_activity, integer);
DROP FUNCTION IF EXISTS quntuan_rollup_checkin();
DROP FUNCTION IF EXISTS quntuan_rollup_checkin_apply(bigint, integer);
DROP FUNCTION IF EXISTS quntuan_rollup_record();
DROP FUNCTION IF EXISTS quntuan_rollup_record_apply(volunteers_servicerecord, integer);
DROP FUNCTION IF EXISTS quntuan_rollup_shift();
DROP FUNCTION IF EXISTS quntuan_rollup_shift_apply(volunteers_shift, integer);
"""

FILL = [
    "INSERT INTO assessment_activitymonthstat (month, district_id, street_id, host_id, kind, status, activities, "
    "checkins) SELECT %(m_a_start)s, a.district_id, a.street_id, a.primary_host_id, a.kind, a.status, count(*), "
    "coalesce(sum(c.n), 0) FROM activities_activity a LEFT JOIN (SELECT activity_id, count(*) AS n "
    "FROM activities_checkin GROUP BY activity_id) c ON c.activity_id = a.id GROUP BY 1, 2, 3, 4, 5, 6",
    "INSERT INTO assessment_volunteermonthstat (month, district_id, street_id, host_id, minutes) "
    "SELECT %(m_s_start)s, a.district_id, a.street_id, a.primary_host_id, sum(r.minutes) "
    "FROM volunteers_servicerecord r JOIN volunteers_shift s ON s.id = r.shift_id "
    "JOIN activities_activity a ON a.id = s.activity_id WHERE r.status = 'confirmed' "
    "GROUP BY 1, 2, 3, 4 HAVING sum(r.minutes) <> 0",
]


def _months(tz: str) -> dict:
    return {"m_a_start": MONTH.format(col="a.start") % {"tz": tz}, "m_s_start": MONTH.format(col="s.start") % {"tz": tz}}


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    months = _months(settings.TIME_ZONE)
    with schema_editor.connection.cursor() as cur:
        cur.execute(FUNCTIONS % months)
        for stmt in FILL:
            cur.execute(stmt % months)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        cur.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0004_manualscore_veto_evidence_file'),
        ('activities', '0002_booking_exclusion_postgres'),
        ('volunteers', '0001_volunteers_shifts_hours_certificates_training'),
    ]

    operations = [
        migrations.CreateModel(
            name='ActivityMonthStat',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('district_id', models.IntegerField()),
                ('street_id', models.IntegerField(null=True)),
                ('host_id', models.IntegerField()),
                ('kind', models.CharField(max_length=16)),
                ('status', models.CharField(max_length=12)),
                ('activities', models.IntegerField(default=0)),
                ('checkins', models.IntegerField(default=0)),
            ],
            options={
                'indexes': [models.Index(fields=['district_id', 'month'], name='activitymonth_district'), models.Index(fields=['host_id', 'month'], name='activitymonth_host')],
            },
        ),
        migrations.CreateModel(
            name='VolunteerMonthStat',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('district_id', models.IntegerField()),
                ('street_id', models.IntegerField(null=True)),
                ('host_id', models.IntegerField()),
                ('minutes', models.BigIntegerField(default=0)),
            ],
            options={
                'indexes': [models.Index(fields=['district_id', 'month'], name='volunteermonth_district'), models.Index(fields=['host_id', 'month'], name='volunteermonth_host')],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]

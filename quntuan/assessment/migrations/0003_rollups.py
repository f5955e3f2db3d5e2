"""Rollup tables for the dashboards, the assessment and the work report, with the PostgreSQL
triggers that keep them exact (see quntuan/assessment/rollups.py), and their first fill.

The SQL is frozen here (a migration does not import the app). On other databases only the
tables are created; the app then reads the source tables.
"""

from django.conf import settings
from django.db import migrations, models

MONTH = "date_trunc('month', {col} AT TIME ZONE '%(tz)s')::date"

FUNCTIONS = """
CREATE OR REPLACE FUNCTION quntuan_rollup_case_apply(c cases_case, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE street bigint;
BEGIN
  IF c.community_id IS NOT NULL THEN
    SELECT parent_id INTO street FROM organizations_region WHERE id = c.community_id;
  END IF;
  IF c.status = 'merged' OR c.merged_into_id IS NOT NULL THEN
    RETURN;
  END IF;
  INSERT INTO assessment_casemonthstat (month, district_id, street_id, handling_org_id, first_inquirer_org_id,
                                        status, received, contacted_ok)
  VALUES (%(m_received)s, c.district_id, street, c.handling_org_id, c.first_inquirer_org_id, c.status, sign,
          CASE WHEN c.contacted_at IS NOT NULL AND c.contacted_at <= c.first_contact_due_at THEN sign ELSE 0 END);
  IF c.status = 'closed' AND c.closed_at IS NOT NULL THEN
    INSERT INTO assessment_caseclosedmonthstat (month, district_id, street_id, handling_org_id, closed)
    VALUES (%(m_closed)s, c.district_id, street, c.handling_org_id, sign);
  END IF;
  IF c.status IN ('pending', 'transferring', 'in_progress') THEN
    INSERT INTO assessment_opencaseduestat (district_id, street_id, handling_org_id, due_date, red_flag_after, n)
    VALUES (c.district_id, street, c.handling_org_id, c.due_date, c.red_flag_after, sign);
  END IF;
END $$;

CREATE OR REPLACE FUNCTION quntuan_rollup_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM quntuan_rollup_case_apply(OLD, -1); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM quntuan_rollup_case_apply(NEW, 1); END IF;
  RETURN NULL;
END $$;

-- A rating counts for each organization named by a RATED event written with it (same case, the
-- event's time = rated_at; two such events of one organization count once). Whichever of the
-- rating and the event is written (or deleted) second finds the other and adds (or removes) it.
CREATE OR REPLACE FUNCTION quntuan_rollup_rating_add(p_case bigint, p_at timestamptz, p_org bigint, sign integer)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO assessment_ratingmonthstat (month, district_id, street_id, organization_id, rated, solved, satisfied)
  SELECT %(m_rated)s, c.district_id, rg.parent_id, p_org, sign,
         CASE WHEN r.solved THEN sign ELSE 0 END,
         CASE WHEN r.level IN ('satisfied', 'basic') THEN sign ELSE 0 END
  FROM cases_rating r
  JOIN cases_case c ON c.id = r.case_id
  LEFT JOIN organizations_region rg ON rg.id = c.community_id
  WHERE r.case_id = p_case AND r.rated_at = p_at;
END $$;

CREATE OR REPLACE FUNCTION quntuan_rollup_rated_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE e cases_caseevent; sign integer;
BEGIN
  IF TG_OP = 'INSERT' THEN e := NEW; sign := 1; ELSE e := OLD; sign := -1; END IF;
  IF NOT EXISTS (SELECT 1 FROM cases_caseevent o WHERE o.case_id = e.case_id AND o.at = e.at AND o.kind = 'rated'
                 AND o.organization_id IS NOT DISTINCT FROM e.organization_id AND o.id <> e.id) THEN
    PERFORM quntuan_rollup_rating_add(e.case_id, e.at, e.organization_id, sign);
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION quntuan_rollup_rating() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r cases_rating; sign integer;
BEGIN
  IF TG_OP = 'INSERT' THEN r := NEW; sign := 1; ELSE r := OLD; sign := -1; END IF;
  INSERT INTO assessment_ratingmonthstat (month, district_id, street_id, organization_id, rated, solved, satisfied)
  SELECT %(m_r_rated)s, c.district_id, rg.parent_id, o.organization_id, sign,
         CASE WHEN r.solved THEN sign ELSE 0 END,
         CASE WHEN r.level IN ('satisfied', 'basic') THEN sign ELSE 0 END
  FROM (SELECT DISTINCT organization_id FROM cases_caseevent
        WHERE case_id = r.case_id AND at = r.rated_at AND kind = 'rated') o
  JOIN cases_case c ON c.id = r.case_id
  LEFT JOIN organizations_region rg ON rg.id = c.community_id;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION quntuan_rollup_user_apply(u accounts_user, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE street bigint;
BEGIN
  IF u.role <> 'resident' THEN RETURN; END IF;
  IF u.community_id IS NOT NULL THEN
    SELECT parent_id INTO street FROM organizations_region WHERE id = u.community_id;
  END IF;
  INSERT INTO assessment_residentmonthstat (month, district_id, street_id, is_active, n)
  VALUES (%(m_joined)s, u.region_id, street, u.is_active, sign);
END $$;

CREATE OR REPLACE FUNCTION quntuan_rollup_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM quntuan_rollup_user_apply(OLD, -1); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM quntuan_rollup_user_apply(NEW, 1); END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER quntuan_rollup_case_insdel AFTER INSERT OR DELETE ON cases_case
  FOR EACH ROW EXECUTE FUNCTION quntuan_rollup_case();
CREATE TRIGGER quntuan_rollup_case_upd AFTER UPDATE ON cases_case FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.received_at IS DISTINCT FROM NEW.received_at
        OR OLD.district_id IS DISTINCT FROM NEW.district_id OR OLD.community_id IS DISTINCT FROM NEW.community_id
        OR OLD.handling_org_id IS DISTINCT FROM NEW.handling_org_id
        OR OLD.first_inquirer_org_id IS DISTINCT FROM NEW.first_inquirer_org_id
        OR OLD.contacted_at IS DISTINCT FROM NEW.contacted_at
        OR OLD.first_contact_due_at IS DISTINCT FROM NEW.first_contact_due_at
        OR OLD.closed_at IS DISTINCT FROM NEW.closed_at OR OLD.merged_into_id IS DISTINCT FROM NEW.merged_into_id
        OR OLD.due_date IS DISTINCT FROM NEW.due_date OR OLD.red_flag_after IS DISTINCT FROM NEW.red_flag_after)
  EXECUTE FUNCTION quntuan_rollup_case();
CREATE TRIGGER quntuan_rollup_rated_ins AFTER INSERT ON cases_caseevent FOR EACH ROW
  WHEN (NEW.kind = 'rated') EXECUTE FUNCTION quntuan_rollup_rated_event();
CREATE TRIGGER quntuan_rollup_rated_del AFTER DELETE ON cases_caseevent FOR EACH ROW
  WHEN (OLD.kind = 'rated') EXECUTE FUNCTION quntuan_rollup_rated_event();
CREATE TRIGGER quntuan_rollup_rating AFTER INSERT OR DELETE ON cases_rating
  FOR EACH ROW EXECUTE FUNCTION quntuan_rollup_rating();
CREATE TRIGGER quntuan_rollup_user_insdel AFTER INSERT OR DELETE ON accounts_user
  FOR EACH ROW EXECUTE FUNCTION quntuan_rollup_user();
CREATE TRIGGER quntuan_rollup_user_upd AFTER UPDATE ON accounts_user FOR EACH ROW
  WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.region_id IS DISTINCT FROM NEW.region_id
        OR OLD.community_id IS DISTINCT FROM NEW.community_id OR OLD.date_joined IS DISTINCT FROM NEW.date_joined
        OR OLD.is_active IS DISTINCT FROM NEW.is_active)
  EXECUTE FUNCTION quntuan_rollup_user();
"""

# The residents chart and the report read the days at the edge of a range from accounts_user.
INDEXES = """
CREATE INDEX IF NOT EXISTS assessment_resident_joined ON accounts_user (region_id, date_joined)
  WHERE role = 'resident';
"""

DROP = """
DROP INDEX IF EXISTS assessment_resident_joined;
DROP TRIGGER IF EXISTS quntuan_rollup_case_insdel ON cases_case;
DROP TRIGGER IF EXISTS quntuan_rollup_case_upd ON cases_case;
DROP TRIGGER IF EXISTS quntuan_rollup_rated_ins ON cases_caseevent;
DROP TRIGGER IF EXISTS quntuan_rollup_rated_del ON cases_caseevent;
DROP TRIGGER IF EXISTS quntuan_rollup_rating ON cases_rating;
DROP TRIGGER IF EXISTS quntuan_rollup_user_insdel ON accounts_user;
DROP TRIGGER IF EXISTS quntuan_rollup_user_upd ON accounts_user;
DROP FUNCTION IF EXISTS quntuan_rollup_case();
DROP FUNCTION IF EXISTS quntuan_rollup_case_apply(cases_case, integer);
DROP FUNCTION IF EXISTS quntuan_rollup_rated_event();
DROP FUNCTION IF EXISTS quntuan_rollup_rating();
DROP FUNCTION IF EXISTS quntuan_rollup_rating_add(bigint, timestamptz, bigint, integer);
DROP FUNCTION IF EXISTS quntuan_rollup_user();
DROP FUNCTION IF EXISTS quntuan_rollup_user_apply(accounts_user, integer);
"""

COUNTED = "c.status <> 'merged' AND c.merged_into_id IS NULL"
FILL = [
    "INSERT INTO assessment_casemonthstat (month, district_id, street_id, handling_org_id, first_inquirer_org_id, "
    "status, received, contacted_ok) "
    "SELECT %(m_c_received)s, c.district_id, rg.parent_id, c.handling_org_id, c.first_inquirer_org_id, c.status, "
    "count(*), count(*) FILTER (WHERE c.contacted_at IS NOT NULL AND c.contacted_at <= c.first_contact_due_at) "
    "FROM cases_case c LEFT JOIN organizations_region rg ON rg.id = c.community_id WHERE " + COUNTED +
    " GROUP BY 1, 2, 3, 4, 5, 6",
    "INSERT INTO assessment_caseclosedmonthstat (month, district_id, street_id, handling_org_id, closed) "
    "SELECT %(m_c_closed)s, c.district_id, rg.parent_id, c.handling_org_id, count(*) "
    "FROM cases_case c LEFT JOIN organizations_region rg ON rg.id = c.community_id WHERE " + COUNTED +
    " AND c.status = 'closed' AND c.closed_at IS NOT NULL GROUP BY 1, 2, 3, 4",
    "INSERT INTO assessment_opencaseduestat (district_id, street_id, handling_org_id, due_date, red_flag_after, n) "
    "SELECT c.district_id, rg.parent_id, c.handling_org_id, c.due_date, c.red_flag_after, count(*) "
    "FROM cases_case c LEFT JOIN organizations_region rg ON rg.id = c.community_id WHERE " + COUNTED +
    " AND c.status IN ('pending', 'transferring', 'in_progress') GROUP BY 1, 2, 3, 4, 5",
    "INSERT INTO assessment_ratingmonthstat (month, district_id, street_id, organization_id, rated, solved, satisfied) "
    "SELECT %(m_e_at)s, c.district_id, rg.parent_id, e.organization_id, count(*), count(*) FILTER (WHERE r.solved), "
    "count(*) FILTER (WHERE r.level IN ('satisfied', 'basic')) "
    "FROM (SELECT DISTINCT case_id, at, organization_id FROM cases_caseevent WHERE kind = 'rated') e "
    "JOIN cases_rating r ON r.case_id = e.case_id AND r.rated_at = e.at "
    "JOIN cases_case c ON c.id = e.case_id LEFT JOIN organizations_region rg ON rg.id = c.community_id "
    "GROUP BY 1, 2, 3, 4",
    "INSERT INTO assessment_residentmonthstat (month, district_id, street_id, is_active, n) "
    "SELECT %(m_u_joined)s, u.region_id, rg.parent_id, u.is_active, count(*) "
    "FROM accounts_user u LEFT JOIN organizations_region rg ON rg.id = u.community_id "
    "WHERE u.role = 'resident' GROUP BY 1, 2, 3, 4",
]


def _months(tz: str) -> dict:
    cols = {"m_received": "c.received_at", "m_closed": "c.closed_at", "m_rated": "r.rated_at", "m_r_rated": "r.rated_at", "m_joined": "u.date_joined", "m_c_received": "c.received_at",
            "m_c_closed": "c.closed_at", "m_e_at": "e.at", "m_u_joined": "u.date_joined"}
    return {k: MONTH.format(col=v) % {"tz": tz} for k, v in cols.items()}


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    months = _months(settings.TIME_ZONE)
    with schema_editor.connection.cursor() as cur:
        cur.execute(FUNCTIONS % months)
        cur.execute(INDEXES)
        for stmt in FILL:
            cur.execute(stmt % months)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        cur.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0002_indicator_source_plan_outcomes'),
        ('accounts', '0002_initial'),
        ('cases', '0005_drop_indexes_covered_by_composites'),
        ('organizations', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='CaseClosedMonthStat',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('district_id', models.IntegerField()),
                ('street_id', models.IntegerField(null=True)),
                ('handling_org_id', models.IntegerField(null=True)),
                ('closed', models.IntegerField(default=0)),
            ],
            options={
                'indexes': [models.Index(fields=['district_id', 'month'], name='closedmonth_district'), models.Index(fields=['handling_org_id', 'month'], name='closedmonth_org')],
            },
        ),
        migrations.CreateModel(
            name='CaseMonthStat',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('district_id', models.IntegerField()),
                ('street_id', models.IntegerField(null=True)),
                ('handling_org_id', models.IntegerField(null=True)),
                ('first_inquirer_org_id', models.IntegerField(null=True)),
                ('status', models.CharField(max_length=20)),
                ('received', models.IntegerField(default=0)),
                ('contacted_ok', models.IntegerField(default=0)),
            ],
            options={
                'indexes': [models.Index(fields=['district_id', 'month'], name='casemonth_district'), models.Index(fields=['first_inquirer_org_id', 'month'], name='casemonth_first_org'), models.Index(fields=['handling_org_id', 'month'], name='casemonth_handling_org')],
            },
        ),
        migrations.CreateModel(
            name='OpenCaseDueStat',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('district_id', models.IntegerField()),
                ('street_id', models.IntegerField(null=True)),
                ('handling_org_id', models.IntegerField(null=True)),
                ('due_date', models.DateField(null=True)),
                ('red_flag_after', models.DateField(null=True)),
                ('n', models.IntegerField(default=0)),
            ],
            options={
                'indexes': [models.Index(fields=['district_id', 'due_date'], name='opendue_district')],
            },
        ),
        migrations.CreateModel(
            name='RatingMonthStat',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('district_id', models.IntegerField()),
                ('street_id', models.IntegerField(null=True)),
                ('organization_id', models.IntegerField(null=True)),
                ('rated', models.IntegerField(default=0)),
                ('solved', models.IntegerField(default=0)),
                ('satisfied', models.IntegerField(default=0)),
            ],
            options={
                'indexes': [models.Index(fields=['district_id', 'month'], name='ratingmonth_district'), models.Index(fields=['organization_id', 'month'], name='ratingmonth_org')],
            },
        ),
        migrations.CreateModel(
            name='ResidentMonthStat',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('district_id', models.IntegerField(null=True)),
                ('street_id', models.IntegerField(null=True)),
                ('is_active', models.BooleanField()),
                ('n', models.IntegerField(default=0)),
            ],
            options={
                'indexes': [models.Index(fields=['district_id', 'month'], name='residentmonth_district')],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]

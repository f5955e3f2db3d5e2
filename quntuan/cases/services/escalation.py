"""督办: reminders, yellow and red flags and follow-ups in one set-based pass.

No loop of ``case.save()``: each level selects the cases that crossed its threshold (locking
them), raises their level with one UPDATE and writes their events and inbox messages with
``bulk_create``. The level only ever rises, so a second run the same day finds nothing to do.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from quntuan.accounts.models import Role, User
from quntuan.cases.models import Case, CaseEvent, CaseStatus, EscalationLevel, FollowUp, Rating
from quntuan.cases.services._common import INTERNAL_KINDS, case_link_pk, end_of_day, work_calendar
from quntuan.notifications.models import Notification
from quntuan.organizations.models import DistrictRules, Membership, Region

# The clock stops while the requester is asked for material, so those cases are not escalated.
ESCALATING = (CaseStatus.PENDING, CaseStatus.TRANSFERRING, CaseStatus.IN_PROGRESS)
CHUNK = 5000
FOLLOWUP_LOOKBACK_DAYS = 14  # a sweep that has not run for two weeks misses older ones
SWEEP_LOCK_KEY = 7_300_001  # pg advisory lock: one sweep at a time


def _chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _take_sweep_lock() -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite serialises writers anyway
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SWEEP_LOCK_KEY])
        if not cursor.fetchone()[0]:
            return False
        # The statements below are cheap but their worst-case estimates are not: without this,
        # PostgreSQL spends seconds JIT-compiling a statement that then touches no rows.
        cursor.execute("SET LOCAL jit = off")
    return True


def _locked_rows(qs, fields: tuple[str, ...]) -> list[tuple]:
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True)
    else:
        qs = qs.select_for_update()
    return list(qs.order_by().values_list(*fields))


def _leaders_by_org(org_ids) -> dict[int, list[int]]:
    result: dict[int, list[int]] = defaultdict(list)
    rows = Membership.objects.filter(
        organization_id__in=set(org_ids), role=Membership.Role.LEADER, user__is_active=True
    ).values_list("organization_id", "user_id").distinct()
    for org_id, user_id in rows:
        result[org_id].append(user_id)
    return result


def _supervisors_by_district(district_ids) -> dict[int, list[int]]:
    result: dict[int, list[int]] = defaultdict(list)
    rows = User.objects.filter(role=Role.SUPERVISOR, region_id__in=set(district_ids), is_active=True)
    for district_id, user_id in rows.values_list("region_id", "pk"):
        result[district_id].append(user_id)
    return result


FIELDS = ("pk", "handling_org_id", "district_id", "handler_id", "first_inquirer_id", "tracking_no", "due_date")

LEVELS = (
    # level, event kind, threshold filter (built from today), message
    (EscalationLevel.RED, CaseEvent.Kind.RED_FLAG, lambda today: {"red_flag_after__lt": today},
     gettext_noop("红牌督办:%(no)s"), gettext_noop("诉求 %(no)s 已逾期(办结时限 %(due)s),请督办。")),
    (EscalationLevel.YELLOW, CaseEvent.Kind.YELLOW_FLAG, lambda today: {"due_date__lt": today},
     gettext_noop("黄牌督办:%(no)s"), gettext_noop("诉求 %(no)s 已超过办结时限 %(due)s,请督促办理。")),
    (EscalationLevel.REMINDED, CaseEvent.Kind.REMINDED, lambda today: {"remind_on__lte": today},
     gettext_noop("时限提醒:%(no)s"), gettext_noop("诉求 %(no)s 的办结时限为 %(due)s,请抓紧办理。")),
)


def _recipients(level: int, rows: list[tuple]) -> dict[int, list[int]]:
    """case id → user ids to tell. Reminder: the handler (or first inquirer). Yellow: the
    handling organization's leaders. Red: the district's supervisors and those leaders."""
    if level == EscalationLevel.REMINDED:
        return {row[0]: [row[3] or row[4]] for row in rows}
    leaders = _leaders_by_org(row[1] for row in rows)
    supervisors = _supervisors_by_district(row[2] for row in rows) if level == EscalationLevel.RED else {}
    return {row[0]: leaders.get(row[1], []) + supervisors.get(row[2], []) for row in rows}


THRESHOLD_COLUMNS = {"red_flag_after__lt": ("red_flag_after", "<"), "due_date__lt": ("due_date", "<"),
                     "remind_on__lte": ("remind_on", "<=")}

# PostgreSQL: one statement per level. Pick the cases past the threshold (skipping rows a user
# is changing right now: the next run takes them), raise their level, and insert their events and
# inbox messages from the UPDATE's RETURNING rows, without the rows ever leaving the database.
FLAG_SQL = """
WITH picked AS (
    SELECT id FROM {case} WHERE status = ANY(%(statuses)s::text[]) AND escalation_level < %(level)s::int
       AND {column} {op} %(today)s::date
    FOR UPDATE SKIP LOCKED
), flagged AS (
    UPDATE {case} c SET escalation_level = %(level)s::int, updated_at = %(now)s::timestamptz
    WHERE c.id = ANY(ARRAY(SELECT id FROM picked))
    RETURNING c.id, c.handling_org_id, c.district_id, c.handler_id, c.first_inquirer_id, c.tracking_no,
              to_char(c.due_date, 'YYYY-MM-DD') AS due
), events AS (
    INSERT INTO {event} (case_id, kind, at, actor_id, organization_id, target_org_id, note, internal, data)
    SELECT id, %(kind)s::text, %(now)s::timestamptz, NULL, handling_org_id, NULL, '', %(internal)s::boolean,
           jsonb_build_object('due_date'::text, due, 'level'::text, %(level)s::int)
    FROM flagged
    RETURNING 1
), recipients AS (
    SELECT f.id AS case_id, COALESCE(f.handler_id, f.first_inquirer_id) AS user_id
      FROM flagged f WHERE %(level)s::int = 1
    UNION
    SELECT f.id, m.user_id FROM flagged f
      JOIN {membership} m ON m.organization_id = f.handling_org_id AND m.role = 'leader'
      JOIN {user} u ON u.id = m.user_id AND u.is_active
     WHERE %(level)s::int >= 2
    UNION
    SELECT f.id, u.id FROM flagged f
      JOIN {user} u ON u.region_id = f.district_id AND u.role = 'supervisor' AND u.is_active
     WHERE %(level)s::int = 3
), messages AS (
    INSERT INTO {notification} (user_id, title, body, link, case_id, created_at, read_at, dedup_key)
    SELECT r.user_id,
           replace(%(title)s::text, '{{no}}', f.tracking_no),
           replace(replace(%(body)s::text, '{{no}}', f.tracking_no), '{{due}}', f.due),
           replace(%(link)s::text, '{{pk}}', f.id::text),
           f.id, %(now)s::timestamptz, NULL, %(kind)s::text || ':' || f.id::text || ':' || f.due
      FROM recipients r JOIN flagged f ON f.id = r.case_id
     WHERE r.user_id IS NOT NULL
    ON CONFLICT DO NOTHING
    RETURNING 1
)
SELECT (SELECT count(*) FROM flagged), (SELECT count(*) FROM events), (SELECT count(*) FROM messages)
"""


def _flag_postgres(level: int, kind: str, threshold: dict, title: str, body: str, now) -> tuple[int, int]:
    (lookup,) = threshold
    column, op = THRESHOLD_COLUMNS[lookup]
    sql = FLAG_SQL.format(
        case=Case._meta.db_table, event=CaseEvent._meta.db_table, membership=Membership._meta.db_table,
        user=User._meta.db_table, notification=Notification._meta.db_table, column=column, op=op,
    )
    marker = 987654321
    params = {
        "statuses": [str(s) for s in ESCALATING], "level": int(level), "today": threshold[lookup], "now": now,
        "kind": str(kind), "internal": kind in INTERNAL_KINDS,
        "title": _(title) % {"no": "{no}", "due": "{due}"},
        "body": _(body) % {"no": "{no}", "due": "{due}"},
        "link": case_link_pk(marker).replace(str(marker), "{pk}"),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        flagged, _events, messages = cursor.fetchone()
    return flagged, messages


def _flag(level: int, kind: str, threshold: dict, title: str, body: str, now) -> tuple[int, int]:
    if connection.vendor == "postgresql":
        return _flag_postgres(level, kind, threshold, title, body, now)
    qs = Case.objects.filter(status__in=ESCALATING, escalation_level__lt=level, **threshold)
    rows = _locked_rows(qs, FIELDS)
    if not rows:
        return 0, 0
    for chunk in _chunks(rows):
        Case.objects.filter(pk__in=[r[0] for r in chunk]).update(escalation_level=level, updated_at=now)
    internal = kind in INTERNAL_KINDS
    CaseEvent.objects.bulk_create(
        [CaseEvent(case_id=r[0], kind=kind, at=now, organization_id=r[1], internal=internal,
                   data={"due_date": r[6].isoformat(), "level": int(level)}) for r in rows],
        batch_size=1000,
    )
    recipients = _recipients(level, rows)
    messages = []
    for pk, _org, _district, _handler, _fi, tracking_no, due in rows:
        params = {"no": tracking_no, "due": due.isoformat()}
        for user_id in dict.fromkeys(recipients.get(pk, [])):
            if user_id:
                messages.append(Notification(user_id=user_id, case_id=pk, title=_(title) % params,
                                             body=_(body) % params, link=case_link_pk(pk), created_at=now,
                                             dedup_key=f"{kind}:{pk}:{due.isoformat()}"))
    Notification.objects.bulk_create(messages, batch_size=1000, ignore_conflicts=True)
    return len(rows), len(messages)


def _followup_cutoff(cal, today: date, days: int) -> date:
    """The last closure day whose follow-up window (``days`` working days) has passed."""
    day = today - timedelta(days=1)
    while cal.add_workdays(day, days) >= today:
        day -= timedelta(days=1)
    return day


FOLLOWUP_FIELDS = ("pk", "reopen_count", "handler_id", "first_inquirer_id", "tracking_no", "handling_org_id")


def _without_rating_or_followup(rows: list[tuple]) -> list[tuple]:
    """The closed cases whose current round has neither a rating nor a follow-up. Two lookups by
    case id on the (case, round) unique indexes, whatever the size of those tables."""
    done: set[tuple[int, int]] = set()
    for chunk in _chunks(rows):
        ids = [r[0] for r in chunk]
        done.update(Rating.objects.filter(case_id__in=ids).values_list("case_id", "round"))
        done.update(FollowUp.objects.filter(case_id__in=ids).values_list("case_id", "round"))
    return [r for r in rows if (r[0], r[1]) not in done]


def _open_followups(today: date, now) -> tuple[int, int]:
    cal = work_calendar(today, years=[today.year - 1, today.year, today.year + 1])
    rules = dict(DistrictRules.objects.values_list("district_id", "followup_days"))
    default_days = DistrictRules._meta.get_field("followup_days").default
    by_days: dict[int, list[int]] = defaultdict(list)
    for district_id in Region.objects.filter(level=Region.Level.DISTRICT).values_list("pk", flat=True):
        by_days[rules.get(district_id, default_days)].append(district_id)
    opened = notified = 0
    for days, district_ids in sorted(by_days.items()):
        cutoff = _followup_cutoff(cal, today, days)
        closed = Case.objects.filter(
            status=CaseStatus.CLOSED, district_id__in=district_ids,
            closed_at__lte=end_of_day(cutoff),
            closed_at__gt=end_of_day(cutoff - timedelta(days=FOLLOWUP_LOOKBACK_DAYS)),
        )
        candidates = _without_rating_or_followup(list(closed.order_by().values_list(*FOLLOWUP_FIELDS)))
        if not candidates:
            continue
        # Lock only the few that need a follow-up, and only if they are still closed.
        rows = _locked_rows(Case.objects.filter(pk__in=[r[0] for r in candidates], status=CaseStatus.CLOSED),
                            FOLLOWUP_FIELDS)
        if not rows:
            continue
        due = cal.add_workdays(today, days)
        FollowUp.objects.bulk_create(
            [FollowUp(case_id=r[0], round=r[1], due_date=due) for r in rows], batch_size=1000
        )
        CaseEvent.objects.bulk_create(
            [CaseEvent(case_id=r[0], kind=CaseEvent.Kind.FOLLOWUP_OPENED, at=now, organization_id=r[5],
                       internal=True, data={"round": r[1], "due_date": due.isoformat()}) for r in rows],
            batch_size=1000,
        )
        messages = [
            Notification(user_id=r[2] or r[3], case_id=r[0], created_at=now, link=case_link_pk(r[0]),
                         dedup_key=f"case:{r[0]}:followup:{r[1]}",
                         title=_("待回访:%(no)s") % {"no": r[4]},
                         body=_("诉求人办结后未评价,请于 %(d)s 前回访。") % {"d": due.isoformat()})
            for r in rows
        ]
        Notification.objects.bulk_create(messages, batch_size=1000, ignore_conflicts=True)
        opened += len(rows)
        notified += len(messages)
    return opened, notified


def escalation_sweep(*, today: date | None = None) -> dict:
    """Raise reminders, yellow and red flags and open follow-ups. Returns the counts of cases
    newly flagged at each level, follow-ups opened and inbox messages written."""
    today = today or timezone.localdate()
    now = timezone.now()
    counts = {"today": today.isoformat(), "reminded": 0, "yellow": 0, "red": 0, "followups": 0,
              "notifications": 0, "skipped": False}
    with transaction.atomic():
        if not _take_sweep_lock():
            counts["skipped"] = True
            return counts
        # Highest level first: a case that crossed several thresholds since the last run gets one
        # event, at its highest level.
        for level, kind, threshold, title, body in LEVELS:
            flagged, notified = _flag(level, kind, threshold(today), title, body, now)
            counts[{EscalationLevel.RED: "red", EscalationLevel.YELLOW: "yellow",
                    EscalationLevel.REMINDED: "reminded"}[level]] = flagged
            counts["notifications"] += notified
        opened, notified = _open_followups(today, now)
        counts["followups"] = opened
        counts["notifications"] += notified
    return counts

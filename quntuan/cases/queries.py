"""Reading cases: deadline state, staff queues, the timeline, 三率 and overdue boards.

Deadline state is computed from the stored dates, so it is right even when the escalation sweep
has not run yet.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime, time, timedelta

from django.db import DatabaseError, connection, transaction
from django.db.models import Count, F, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from quntuan.accounts.models import Role
from quntuan.cases.models import OPEN_STATUSES, Case, CaseEvent, CaseStatus, CoHandling, FollowUp, Rating
from quntuan.cases.policies import (
    case_policy,
    is_platform_admin,
    region_district_q,
    user_leader_org_ids,
    user_org_ids,
    visible_where,
)
from quntuan.core.exceptions import ApplicationError, NotFound
from quntuan.core.text import is_valid_mobile
from quntuan.organizations.models import Organization

log = logging.getLogger(__name__)

# The clock stops while the requester is asked for material.
RUNNING = (CaseStatus.PENDING, CaseStatus.TRANSFERRING, CaseStatus.IN_PROGRESS)

# Cases that count in statistics: a repeat report merged into another case is that case's matter.
COUNTED = ~Q(status=CaseStatus.MERGED)

QUEUES = ("mine", "org", "first_inquiry", "cohandling", "transfers_in", "overdue", "followups")

LIST_RELATED = ("handling_org", "first_inquirer_org", "first_inquirer", "handler", "service", "transfer_to_org")


# --- deadline state -------------------------------------------------------------------------------------
def case_deadline_state(case: Case, today: date | None = None) -> str:
    """"normal" | "reminder" | "yellow" | "red" | "done" from the case's own dates."""
    if not case.is_open:
        return "done"
    if case.status == CaseStatus.AWAITING_MATERIAL:
        return "normal"
    today = today or timezone.localdate()
    if case.red_flag_after < today:
        return "red"
    if case.due_date < today:
        return "yellow"
    if case.remind_on <= today:
        return "reminder"
    return "normal"


def overdue_q(today: date, level: str = "yellow") -> Q:
    field = {"yellow": "due_date__lt", "red": "red_flag_after__lt"}[level]
    return Q(status__in=RUNNING, **{field: today})


def _id_in(qs: QuerySet, ids: QuerySet, model, column: str = "id") -> QuerySet:
    """``qs`` restricted to rows whose ``column`` is among ``ids`` (a one-column queryset). On
    PostgreSQL as ``= ANY(ARRAY(subquery))``: the small subquery runs once and the big table is
    probed by its index, where ``IN (subquery)`` may be planned as a scan of the big table."""
    if connection.vendor != "postgresql":
        return qs.filter(**{f"{column}__in": ids})
    sql, params = ids.query.sql_with_params()
    return qs.extra(where=[f'"{model._meta.db_table}"."{column}" = ANY(ARRAY({sql}))'],  # noqa: S610
                    params=list(params))


# --- queues -----------------------------------------------------------------------------------------------
def case_queue(*, user, queue: str) -> QuerySet[Case]:
    """A staff member's work queue, sorted by due date. Each queue is a subset of what the case
    policy lets the user see."""
    if queue not in QUEUES:
        raise ApplicationError(_("未知的工作队列。"), code="invalid")
    if user is None or not user.is_authenticated or user.role == Role.RESIDENT:
        return Case.objects.none()
    org_ids = sorted(user_org_ids(user))
    today = timezone.localdate()
    qs = Case.objects.select_related(*LIST_RELATED)
    if queue == "mine":
        qs = qs.filter(handler=user, status__in=OPEN_STATUSES)
    elif queue == "org":
        qs = qs.filter(handling_org_id__in=org_ids, status__in=OPEN_STATUSES)
    elif queue == "first_inquiry":
        # Accountable until closure, whoever handles it now; a transfer out stays here until
        # the first inquirer confirms the requester was told.
        qs = qs.filter(Q(status__in=OPEN_STATUSES)
                       | Q(status=CaseStatus.TRANSFERRED_OUT, requester_informed_at__isnull=True),
                       first_inquirer=user)
    elif queue == "cohandling":
        open_cohandling = CoHandling.objects.filter(organization_id__in=org_ids, status=CoHandling.Status.OPEN)
        qs = _id_in(qs, open_cohandling.order_by().values("case_id"), Case).filter(status__in=OPEN_STATUSES)
    elif queue == "transfers_in":
        qs = qs.filter(status=CaseStatus.TRANSFERRING, transfer_to_org_id__in=org_ids)
    elif queue == "overdue":
        if is_platform_admin(user):
            pass
        elif user.role in (Role.SUPERVISOR, Role.AUDITOR):
            qs = qs.filter(region_district_q(user.region)) if user.region_id else qs.none()
        else:
            qs = qs.filter(handling_org_id__in=org_ids)
        qs = qs.filter(overdue_q(today))
    elif queue == "followups":
        open_followups = FollowUp.objects.filter(status=FollowUp.Status.OPEN)
        qs = _id_in(qs, open_followups.order_by().values("case_id"), Case).filter(status=CaseStatus.CLOSED).filter(
            Q(handling_org_id__in=org_ids) | Q(first_inquirer=user)
        )
    return qs.order_by("due_date", "first_contact_due_at", "id")


def case_timeline(*, case: Case, user) -> list[CaseEvent]:
    """The case's history; the requester's own view leaves out internal events."""
    if not case_policy.can_view(user, case):
        raise NotFound()
    events = case.events.select_related("actor", "organization", "target_org").order_by("at", "id")
    if user.role == Role.RESIDENT or (case.requester_id == user.pk and not user.is_staff_member):
        events = events.filter(internal=False)
    return list(events)


# --- 三率 ----------------------------------------------------------------------------------------------------
def _period(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    return (timezone.make_aware(datetime.combine(start, time.min), tz),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz))


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _ratings_of(organization: Organization, since: datetime, until: datetime) -> QuerySet[Rating]:
    """Ratings given in the period on cases the organization was handling when rated: the RATED
    events carry that organization, and the index on them holds the case ids."""
    rated_cases = CaseEvent.objects.filter(
        organization=organization, kind=CaseEvent.Kind.RATED, at__gte=since, at__lt=until
    ).order_by().values("case_id")  # no ORDER BY: the case ids come from the index alone
    ratings = Rating.objects.filter(rated_at__gte=since, rated_at__lt=until)
    return _id_in(ratings, rated_cases, Rating, "case_id")


def org_three_rates(*, organization: Organization, start: date, end: date) -> dict:
    """响应率, 解决率, 满意率 and the weighted score of one organization over [start, end].

    响应率: cases the organization received as first inquirer in the period whose first handling
    step (contact, acceptance, transfer, material request or reply; ``contacted_at`` is the time
    of that event) came within the first-contact limit, over cases received.
    解决率 and 满意率: ratings given in the period (by the requester or at the follow-up call) on
    cases the organization handles; solved / rated and (satisfied + basic) / rated.
    Score: the rates weighted by the district's weights (default 30/35/35), out of 100, over the
    rates that have a denominator. Two aggregate queries, whatever the number of cases.
    """
    since, until = _period(start, end)
    received = Case.objects.filter(first_inquirer_org=organization, received_at__gte=since,
                                   received_at__lt=until).aggregate(
        # Counting a column of the covering index keeps this an index-only scan. A merged repeat
        # report is the same matter as its original: counted once, as the original.
        received=Count("received_at", filter=COUNTED),
        contacted_in_time=Count("received_at", filter=COUNTED & Q(contacted_at__isnull=False,
                                                                 contacted_at__lte=F("first_contact_due_at"))),
    )
    ratings = _ratings_of(organization, since, until).aggregate(
        rated=Count("rated_at"),
        solved=Count("rated_at", filter=Q(solved=True)),
        satisfied=Count("rated_at", filter=Q(level=Rating.Level.SATISFIED)),
        basic=Count("rated_at", filter=Q(level=Rating.Level.BASIC)),
        dissatisfied=Count("rated_at", filter=Q(level=Rating.Level.DISSATISFIED)),
    )
    counts = {**received, **ratings}
    rates = {
        "response_rate": _ratio(counts["contacted_in_time"], counts["received"]),
        "resolution_rate": _ratio(counts["solved"], counts["rated"]),
        "satisfaction_rate": _ratio(counts["satisfied"] + counts["basic"], counts["rated"]),
    }
    from quntuan.cases.services._common import rules_or_defaults  # services import this module

    rules = rules_or_defaults(organization.district_id)
    weights = {"response_rate": rules.weight_response, "resolution_rate": rules.weight_resolution,
               "satisfaction_rate": rules.weight_satisfaction}
    used = {k: w for k, w in weights.items() if rates[k] is not None}
    total = sum(used.values())
    score = round(sum(rates[k] * w for k, w in used.items()) * 100 / total, 2) if total else None
    return {**rates, "score": score, "weights": weights, "counts": counts,
            "start": start.isoformat(), "end": end.isoformat()}


# --- overdue boards -------------------------------------------------------------------------------------------
def overdue_board(*, user, level: str = "yellow") -> QuerySet[Case]:
    """Leaders: their organizations' cases past the deadline (yellow and red). Supervisors: their
    region's cases one working day late (red), or past the deadline with level="yellow"."""
    if level not in ("yellow", "red"):
        raise ApplicationError(_("未知的督办级别。"), code="invalid")
    if user is None or not user.is_authenticated:
        return Case.objects.none()
    today = timezone.localdate()
    base = Case.objects.select_related(*LIST_RELATED).filter(overdue_q(today, level))
    if is_platform_admin(user):
        qs = base
    elif user.role in (Role.SUPERVISOR, Role.AUDITOR):
        qs = base.filter(region_district_q(user.region)) if user.region_id else Case.objects.none()
    else:
        qs = base.filter(handling_org_id__in=sorted(user_leader_org_ids(user)))
    return qs.order_by("due_date", "id")


# --- likely duplicates at intake ----------------------------------------------------------------------------
DUPLICATE_WINDOW_DAYS = 60
DUPLICATE_CANDIDATES = 200
DUPLICATE_SCAN = 400  # recent cases of the place read from the index, before the policy filter
DUPLICATE_OPEN_OLDER = 50
DUPLICATE_SAME_REQUESTER = 20  # the requester's own recent cases, wherever they were
ADDRESS_SCAN = 5000  # address without community: newest cases of the district searched for the address
ADDRESS_MIN_CONTAINED = 3  # shorter addresses ("厂", "小区") only match exactly
CANDIDATE_TEXT = 600  # a matter's clues (place, unit, person, problem) are in its first lines


def clue_text(title: str, content: str) -> str:
    """The text a case's stored clues are computed from (title and the first lines)."""
    return f"{title}。{(content or '')[:CANDIDATE_TEXT]}"


DUPLICATE_FIELDS = ("id", "tracking_no", "title", "category_id", "status", "received_at", "address",
                    "community_id", "handling_org_id")


def duplicate_candidates(*, user, district_id: int, community_id: int | None = None, address: str = "",
                         exclude_id: int | None = None, now: datetime | None = None,
                         categories: tuple[str, ...] | None = None, requester_mobile: str = "") -> list[dict]:
    """Cases a new one may repeat, pre-filtered in the database: in the same community (or, with
    no community, the same address in the district) — or, given ``requester_mobile``, of the same
    requester in the district, wherever (at most ``DUPLICATE_SAME_REQUESTER``, index on district,
    mobile, time) —, received in the 60 days up to ``now`` or still open, not merged, visible to
    ``user`` and — when the new text's suggested ``categories`` are given — of the same
    organization's categories (or none). Newest first, at
    most ``DUPLICATE_CANDIDATES`` + ``DUPLICATE_OPEN_OLDER`` rows of ``DUPLICATE_FIELDS`` and
    ``clues`` (the stored clues; never the content).

    One statement (on PostgreSQL written by hand, with the case policy compiled once per user:
    ``_candidates_postgresql``), whose cost does not grow with the table: subqueries pick at most
    ``DUPLICATE_SCAN`` recent ids from the index on (community, received_at desc) and at most 50
    older open ones from the partial index of open cases (for an address: the index on
    (district, address, received_at desc) for the same address, and among the district's newest
    ``ADDRESS_SCAN`` cases of the window those whose address contains the typed one); the case
    policy and the categories (a small subquery, no join) then filter those rows, read by
    primary key."""
    now = now or timezone.now()
    since = now - timedelta(days=DUPLICATE_WINDOW_DAYS)
    address = address.strip()
    mobile = requester_mobile.strip() if is_valid_mobile(requester_mobile.strip()) else ""
    find = _candidates_postgresql if connection.vendor == "postgresql" else _candidates_orm
    return find(user=user, district_id=district_id, community_id=community_id, address=address,
                exclude_id=exclude_id, since=since, now=now, categories=categories, mobile=mobile)


def _candidates_orm(*, user, district_id: int, community_id: int | None, address: str,
                    exclude_id: int | None, since: datetime, now: datetime,
                    categories: tuple[str, ...] | None, mobile: str) -> list[dict]:
    """``duplicate_candidates`` through the ORM (SQLite): an OR of ``IN (subquery)``."""
    id_queries = []
    if community_id or address:
        place = (Case.objects.filter(community_id=community_id) if community_id
                 else Case.objects.filter(district_id=district_id, address=address))
        id_queries += [
            place.filter(received_at__gte=since, received_at__lte=now).order_by("-received_at")
            .values("id")[:DUPLICATE_SCAN],
            place.filter(received_at__lt=since, status__in=OPEN_STATUSES).order_by("-received_at")
            .values("id")[:DUPLICATE_OPEN_OLDER],
        ]
    if mobile:
        id_queries.append(Case.objects.filter(district_id=district_id, requester_mobile=mobile,
                                              received_at__gte=since, received_at__lte=now)
                          .order_by("-received_at").values("id")[:DUPLICATE_SAME_REQUESTER])
    if not id_queries:
        return []
    if not community_id and len(address) >= ADDRESS_MIN_CONTAINED:
        # an address typed shorter than the stored one ("宏达服装厂" in "新桥社区宏达服装厂"):
        # looked for among the district's newest ADDRESS_SCAN cases of the window (index on
        # district, received_at), so the cost stays bounded however many cases the district has
        id_queries.append(_address_contained(district_id, address, since, now))
    any_of = Q(pk__in=[])
    for q in id_queries:
        any_of |= Q(pk__in=q)
    qs = case_policy.visible(user).filter(any_of).exclude(status=CaseStatus.MERGED)
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    if categories:
        from quntuan.catalog.models import Category

        org = categories[0].split(".", 1)[0]
        same_org = Category.objects.filter(Q(org_code=org) | Q(code__in=categories)).values("id")
        qs = qs.filter(Q(category_id__in=same_org) | Q(category__isnull=True))
    return list(qs.order_by("-received_at", "-id").values(*DUPLICATE_FIELDS, "clues", "requester_mobile")
                [:_candidate_limit(mobile)])


def _candidate_limit(mobile: str) -> int:
    return DUPLICATE_CANDIDATES + DUPLICATE_OPEN_OLDER + (DUPLICATE_SAME_REQUESTER if mobile else 0)


def _address_contained(district_id: int, address: str, since: datetime, now: datetime) -> QuerySet:
    """Ids of the district's newest ``ADDRESS_SCAN`` cases of the window whose address contains
    ``address``, newest first."""
    newest = (Case.objects.filter(district_id=district_id, received_at__gte=since, received_at__lte=now)
              .order_by("-received_at").values("id")[:ADDRESS_SCAN])
    return (Case.objects.filter(pk__in=Subquery(newest), address__contains=address)
            .order_by("-received_at").values("id")[:DUPLICATE_SCAN])


def _candidates_postgresql(*, user, district_id: int, community_id: int | None, address: str,
                           exclude_id: int | None, since: datetime, now: datetime,
                           categories: tuple[str, ...] | None, mobile: str) -> list[dict]:
    """``duplicate_candidates`` on PostgreSQL: the same rows from one statement written here, with
    the case policy's condition compiled once per user (``visible_where``). Composing and compiling
    the queryset took more time than the server spent running it.

    ``id = ANY(ARRAY(q1) || ARRAY(q2) ...)``: each small subquery runs once on its index and the
    rows are read by primary key (an OR of ``IN (subquery)`` would be planned as a scan of the big
    table); the policy and the categories then filter those few rows."""
    from quntuan.search.permissions import generation

    table = Case._meta.db_table
    ids: list[str] = []
    params: list = []

    def newest(where: str, values: list, limit: int) -> None:
        ids.append(f'ARRAY(SELECT id FROM "{table}" WHERE {where} ORDER BY received_at DESC LIMIT %s)')  # noqa: S608 - written here, values are parameters
        params.extend([*values, limit])

    if community_id or address:
        place, at = (("community_id = %s", [community_id]) if community_id
                     else ("district_id = %s AND address = %s", [district_id, address]))
        newest(f"{place} AND received_at >= %s AND received_at <= %s", [*at, since, now], DUPLICATE_SCAN)
        open_in = ", ".join(["%s"] * len(OPEN_STATUSES))
        newest(f"{place} AND received_at < %s AND status IN ({open_in})",
               [*at, since, *map(str, OPEN_STATUSES)], DUPLICATE_OPEN_OLDER)
    if mobile:
        newest("district_id = %s AND requester_mobile = %s AND received_at >= %s AND received_at <= %s",
               [district_id, mobile, since, now], DUPLICATE_SAME_REQUESTER)
    policy = visible_where(user, generation()) if ids else None
    if policy is None:
        return []
    if not community_id and len(address) >= ADDRESS_MIN_CONTAINED:
        # an address typed shorter than the stored one ("宏达服装厂" in "新桥社区宏达服装厂"):
        # looked for among the district's newest ADDRESS_SCAN cases of the window (index on
        # district, received_at; id and address read together), so the cost stays bounded however
        # many cases the district has
        pattern = "%" + address.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        ids.append(f'ARRAY(SELECT t.id FROM (SELECT id, address, received_at FROM "{table}" '  # noqa: S608 - table from the model
                   "WHERE district_id = %s AND received_at >= %s AND received_at <= %s "
                   "ORDER BY received_at DESC LIMIT %s) t WHERE t.address LIKE %s "
                   "ORDER BY t.received_at DESC LIMIT %s)")
        params += [district_id, since, now, ADDRESS_SCAN, pattern, DUPLICATE_SCAN]
    where = [f'"{table}"."id" = ANY({" || ".join(ids)})', f'"{table}"."status" <> %s']
    params.append(str(CaseStatus.MERGED))
    if exclude_id is not None:
        where.append(f'"{table}"."id" <> %s')
        params.append(exclude_id)
    if policy[0]:
        where.append(f"({policy[0]})")
        params.extend(policy[1])
    if categories:
        from quntuan.catalog.models import Category

        where.append(f'("{table}"."category_id" IN (SELECT id FROM "{Category._meta.db_table}" '  # noqa: S608 - tables from the models
                     f'WHERE org_code = %s OR code = ANY(%s)) OR "{table}"."category_id" IS NULL)')
        params += [categories[0].split(".", 1)[0], list(categories)]
    names = (*DUPLICATE_FIELDS, "clues", "requester_mobile")
    columns = ", ".join(f'"{table}"."{c}"' for c in names)
    sql = (f'SELECT {columns} FROM "{table}" WHERE {" AND ".join(where)} '  # noqa: S608 - names from the models, values are parameters
           f'ORDER BY "{table}"."received_at" DESC, "{table}"."id" DESC LIMIT %s')
    params.append(_candidate_limit(mobile))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for r in rows:
        if isinstance(r["clues"], str):  # Django's psycopg set-up hands jsonb over as text
            r["clues"] = json.loads(r["clues"])
    return rows


def _candidate_clues(rows: list[dict], *, store: bool = True) -> dict[int, tuple[frozenset, frozenset]]:
    """Each candidate's (specific, general) clues: the stored ones, or — for cases stored before
    the column or under an older extraction version — computed from the text (one query for those
    texts) and written back, so the next check reads them."""
    from quntuan.routing.services import clue_version, clues_from_stored, clues_to_store

    version = clue_version()
    out: dict[int, tuple[frozenset, frozenset]] = {}
    stale = []
    for r in rows:
        known = clues_from_stored(r["clues"], version)
        if known is None:
            stale.append(r["id"])
        else:
            out[r["id"]] = known
    if not stale:
        return out
    fresh = {pk: clues_to_store(clue_text(title, content))
             for pk, title, content in Case.objects.filter(pk__in=stale).values_list("id", "title", "content")}
    for pk, value in fresh.items():
        out[pk] = (frozenset(value["s"]), frozenset(value["g"]))
    if store:
        _store_clues(fresh)
    return out


def _store_clues(values: dict[int, dict]) -> None:
    """Write computed clues back (only that column; ``updated_at`` is left alone, so the search
    refresh does not see a change). Never fails the check: a row locked by a running change is
    skipped after a short wait and is computed again next time."""
    if not values:
        return
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cur:
                    cur.execute("SET LOCAL lock_timeout = '200ms'")
            Case.objects.bulk_update([Case(pk=pk, clues=v) for pk, v in values.items()], ["clues"], batch_size=500)
    except DatabaseError:
        log.info("duplicate check: stored clues not written back (rows busy)", exc_info=True)


def likely_duplicates(*, user, text: str, district_id: int, community_id: int | None = None, address: str = "",
                      exclude_id: int | None = None, categories: tuple[str, ...] | None = None,
                      limit: int = 5, now: datetime | None = None, requester_mobile: str = "") -> list[dict]:
    """The candidates (``duplicate_candidates``) that most likely report the same matter as
    ``text``, best first: each a dict of the case's fields plus ``score``, ``shared`` (the
    clues both share: place, unit, person, problem words; 同一诉求人 when ``requester_mobile`` is
    the candidate's) and ``same_requester``. The candidates' clues are read as
    stored (``_candidate_clues``); only the new text is segmented."""
    from quntuan.routing.services import routing_categories, routing_duplicates

    if not categories:
        categories = routing_categories(text=text)
        if not categories:
            return []  # nothing to compare (empty, emoji only, punctuation)
    mobile = requester_mobile.strip() if is_valid_mobile(requester_mobile.strip()) else ""
    rows = list(duplicate_candidates(user=user, district_id=district_id, community_id=community_id,
                                     address=address, exclude_id=exclude_id, now=now, categories=categories,
                                     requester_mobile=requester_mobile))
    if not rows:
        return []
    known = _candidate_clues(rows)
    found = routing_duplicates(
        text=text, limit=limit, categories=categories,
        # the candidates are of the same organization's categories already (the statement's filter)
        candidates=[{"id": r["id"], "clues": known[r["id"]],
                     "same_requester": r["requester_mobile"] == mobile if mobile else None} for r in rows],
    )
    by_id = {r["id"]: r for r in rows}
    out = []
    for f in found:
        row = dict(by_id[f["id"]])
        del row["clues"]
        theirs = row.pop("requester_mobile")  # the number itself stays out of the row
        out.append({**row, "score": f["score"], "shared": f["shared"],
                    "same_requester": bool(mobile) and theirs == mobile})
    return out


def merged_into_case(case: Case) -> list[Case]:
    """The repeat reports merged into ``case``, with what they carry (events, attachments)."""
    return list(case.merged_cases.order_by("received_at").prefetch_related("attachments", "events"))

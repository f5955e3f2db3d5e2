"""Permission keys: who may find a search document, in the same terms as the source apps' policies.

A document carries the keys that grant it (``document_keys_*``); a user holds the keys they are
granted (``user_keys``); a document is a candidate when the two sets meet. This is how the
full-text index filters by permission inside the same GIN/FTS5 lookup, so that a staff member's
search never even ranks rows they may not see. The keys mirror, one for one:

* services (``catalog.policies``): active services of active organizations are public → ``pub``;
* activities (``activities.policies``): published → ``pub``; every activity → ``ad<district>``,
  held by staff whose organizations are in that district and by supervisors/auditors whose region
  covers it;
* plans (``programs.policies``): ``pd<district>`` held by staff of the district's organizations,
  ``pp<district>`` (published plans only) by other users whose region is the district;
* cases (``cases.policies``): ``cr<user>`` the requester (residents), ``cu<user>`` the first
  inquirer and the handler, ``ch<org>x<district>`` the handling organization and
  ``co<org>x<district>`` each other organization that first-inquired, co-handles or is asked to
  take the case over, scoped to the case's district as the policy does,
  and ``cd<district>`` for supervisors and auditors of the region. A case document also carries
  each of these scoped to its week (``week_keys``), so that the index can be asked for the last
  weeks first; the user holds the plain keys, and the query scopes them.

Platform administrators see everything (``user_keys`` returns ``None``: no key filter).
The keys only choose candidates: ``queries.search`` checks the rows it returns with each app's
policy once more, so an index that lags behind a change can hide a row but never show one.

``cached_user_keys`` keeps a user's keys in the cache for ``KEYS_TTL`` seconds (two queries
fewer per search; ``generation_and_keys`` reads them and the generation in one round trip); any
change of a membership, an organization or a region starts a new generation of the cache, so the
keys follow such a change at once where the cache is shared (Redis in production), and within
``KEYS_TTL`` seconds at worst.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date

from django.core.cache import cache
from django.db import transaction

from quntuan.accounts.models import Role
from quntuan.organizations.models import Membership, Region

PUBLIC = "pub"
REGION_ROLES = {Role.SUPERVISOR, Role.AUDITOR}


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def _is_platform_admin(user) -> bool:
    return _authenticated(user) and (user.is_superuser or user.role == Role.PLATFORM_ADMIN)


def region_district_ids(region_id: int | None) -> set[int]:
    """Districts a supervisor's or auditor's region covers (a city: its districts)."""
    if region_id is None:
        return set()
    region = Region.objects.filter(pk=region_id).only("id", "level").first()
    if region is None:
        return set()
    if region.level == Region.Level.CITY:
        return set(Region.objects.filter(parent_id=region.pk).values_list("id", flat=True))
    if region.level == Region.Level.DISTRICT:
        return {region.pk}
    return set()


def user_keys(user) -> set[str] | None:
    """The keys ``user`` holds; ``None`` for platform administrators (everything)."""
    if not _authenticated(user):
        return {PUBLIC}
    if _is_platform_admin(user):
        return None
    keys = {PUBLIC}
    memberships = list(
        Membership.objects.filter(user=user, organization__is_active=True)
        .values_list("organization_id", "organization__district_id")
    )
    org_ids = sorted({org for org, _ in memberships})
    member_districts = sorted({district for _, district in memberships})
    is_staff = user.role in _staff_roles()
    region_role = user.role in REGION_ROLES

    # Activities
    if is_staff:
        districts = region_district_ids(user.region_id) if region_role else set(member_districts)
        keys |= {f"ad{d}" for d in districts}
    # Plans
    if is_staff and member_districts:
        keys |= {f"pd{d}" for d in member_districts}
    elif user.region_id:
        keys.add(f"pp{user.region_id}")
    # Cases
    if region_role:
        keys |= {f"cd{d}" for d in region_district_ids(user.region_id)}
    elif user.role == Role.RESIDENT:
        keys.add(f"cr{user.pk}")
    else:
        keys.add(f"cu{user.pk}")
        keys |= {f"{role}{o}x{d}" for role in ("ch", "co") for o in org_ids for d in member_districts}
    return keys


KEYS_TTL = 60
_GENERATION_KEY = "search:keys:generation"


def _bump() -> None:
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:  # not in the cache yet (or evicted)
        cache.set(_GENERATION_KEY, 1, None)


def keys_generation_bump(**kwargs) -> None:
    """A membership, organization or region changed: every cached key set is out of date — now,
    and once more after the commit, so that a search reading the old rows meanwhile cannot keep
    them cached under the new generation."""
    _bump()
    transaction.on_commit(_bump)


def generation() -> int:
    """The generation of memberships, organizations and regions (``keys_generation_bump``): what
    is cached about a user's permissions is valid only within one."""
    return cache.get(_GENERATION_KEY, 0)


def cached_user_keys(user) -> set[str] | None:
    """``user_keys(user)``, kept for ``KEYS_TTL`` seconds per user, role, region and generation."""
    return generation_and_keys(user)[1]


def generation_and_keys(user) -> tuple[int, set[str] | None]:
    """The current generation and ``user``'s keys (``cached_user_keys``), read from the cache in
    one round trip: the entry of a user's keys carries the generation it was computed in."""
    if not _authenticated(user) or _is_platform_admin(user):
        return generation(), None if _authenticated(user) else {PUBLIC}
    key = f"search:keys:{user.pk}:{user.role}:{user.region_id or 0}"
    found = cache.get_many([_GENERATION_KEY, key])
    current, entry = found.get(_GENERATION_KEY, 0), found.get(key)
    if entry is not None and entry[0] == current:
        return current, set(entry[1])
    keys = frozenset(user_keys(user))
    cache.set(key, (current, keys), KEYS_TTL)
    return current, set(keys)


def _staff_roles():
    from quntuan.accounts.models import STAFF_ROLES

    return STAFF_ROLES


# --- keys of documents ----------------------------------------------------------------------

KIND_KEYS = {"service": "ks", "plan": "kp", "activity": "ka", "case": "kc"}


def kind_key(kind: str) -> str:
    """Every document also carries its kind as a key, so that one kind's candidates come
    straight from the index (``ks & (pub | ...)``) without visiting the others' rows."""
    return KIND_KEYS[kind]


def service_keys() -> list[str]:
    return [PUBLIC]


def activity_keys(*, district_id: int, published: bool) -> list[str]:
    return ([PUBLIC] if published else []) + [f"ad{district_id}"]


def plan_keys(*, district_id: int, published: bool) -> list[str]:
    return [f"pd{district_id}"] + ([f"pp{district_id}"] if published else [])


WEEK_ZERO = date(1970, 1, 5)  # a Monday: weeks run Monday to Sunday (UTC)


def week_number(moment) -> int:
    """The week of a moment (UTC), counted from 1970: a case's week never changes."""
    return (moment.astimezone(UTC).date() - WEEK_ZERO).days // 7


def week_keys(keys: Iterable[str], week: int) -> list[str]:
    """Each key scoped to one week (``ch3x2`` → ``ch3x2t2920``). A case document carries these
    beside its keys, so that the index can answer "what these keys grant in the last weeks" from
    posting lists a few weeks long (``queries``: the newest matches)."""
    return [f"{key}t{week}" for key in keys]


def case_keys(*, district_id: int, requester_id: int | None, first_inquirer_id: int | None,
              handler_id: int | None, org_ids: Iterable[int], handling_org_id: int | None = None) -> list[str]:
    """The handling organization gets ``ch<org>x<district>``, every other organization involved
    ``co<org>x<district>``: a staff member holds both for their organizations, and the search reads
    the handled cases by ``(organization_id, sort_at)`` and only the others through the keys."""
    keys = [f"cd{district_id}"]
    if requester_id:
        keys.append(f"cr{requester_id}")
    for user_id in (first_inquirer_id, handler_id):
        if user_id and f"cu{user_id}" not in keys:
            keys.append(f"cu{user_id}")
    if handling_org_id:
        keys.append(f"ch{handling_org_id}x{district_id}")
    for org_id in sorted(set(org_ids) - {handling_org_id}):
        keys.append(f"co{org_id}x{district_id}")
    return keys

"""Permission policies: one per model, answering "which rows may this user see?" (a queryset)
and "may this user do X to this row?". Views and API endpoints ask the policy; nobody filters
``.objects`` by hand for access control."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.db.models import QuerySet

from quntuan.core.exceptions import PermissionDenied

T = TypeVar("T")


class BasePolicy:
    model = None

    def visible(self, user) -> QuerySet:
        raise NotImplementedError

    def require(self, allowed: bool, message: str = "您无权执行此操作。") -> None:
        if not allowed:
            raise PermissionDenied(message)


# --- a policy's SQL, compiled once per user ----------------------------------------------------
# Building and compiling ``visible(user)`` costs more Python than running it (the memberships
# query, the Q objects, the compiler). What is compiled from it is kept in this process for
# ``COMPILED_TTL`` seconds per user within one generation of memberships, organizations and
# regions (``search.permissions.generation``, bumped on every change of them). The SQL still runs
# against the live tables every time: a case that left an organization a moment ago is not shown.
COMPILED_TTL = 60
COMPILED_MEMORY = 8192
_compiled: OrderedDict = OrderedDict()
_compiled_lock = threading.Lock()


def compiled_for_user(name: str, user, generation: int, compile_sql: Callable[[], T]) -> T:
    """``compile_sql()``, remembered under ``name`` for ``user`` (its id, role, region and flags)
    within ``generation`` for ``COMPILED_TTL`` seconds."""
    key = (generation, name, getattr(user, "pk", None), getattr(user, "role", None),
           getattr(user, "region_id", None), getattr(user, "is_superuser", False),
           getattr(user, "is_active", False), getattr(user, "is_authenticated", False))
    now = time.monotonic()
    with _compiled_lock:
        found = _compiled.get(key)
        if found is not None and found[0] > now:
            _compiled.move_to_end(key)
            return found[1]
    compiled = compile_sql()
    with _compiled_lock:
        _compiled[key] = (now + COMPILED_TTL, compiled)
        while len(_compiled) > COMPILED_MEMORY:
            _compiled.popitem(last=False)
    return compiled

"""Target-group criteria: a validated JSON structure compiled to one ORM filter.

A node is either a group ``{"all": [node, ...]}`` / ``{"any": [node, ...]}`` or a condition
``{"attr": NAME, "op": OP, "value": VALUE}``:

* ``eq`` one value, ``in`` a list of values (a set), ``between`` ``[min, max]`` (age only,
  inclusive), ``gte`` / ``lte`` a number (age only);
* ``community`` and ``street`` take region ids;
* ``disability_type``, ``disability_grade`` and ``hardship`` are matched through their keyed
  hashes, never decrypted.

``validate`` raises ApplicationError with a Chinese message; ``compile_q`` returns a Q over
ResidentProfile. Both are pure (no queries).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from quntuan.core.exceptions import ApplicationError
from quntuan.programs.crypto import keyed_hash
from quntuan.programs.models import ResidentProfile

DISABILITY_TYPES = {"visual": _("视力残疾"), "hearing": _("听力残疾"), "speech": _("言语残疾"), "physical": _("肢体残疾"),
                    "intellectual": _("智力残疾"), "mental": _("精神残疾"), "multiple": _("多重残疾")}
DISABILITY_GRADES = {"1": _("一级"), "2": _("二级"), "3": _("三级"), "4": _("四级")}
HARDSHIPS = {"subsistence": _("低保家庭"), "marginal": _("低保边缘家庭"), "extreme": _("特困供养"), "zero_job": _("零就业家庭")}

BOOL_VALUES = {True: _("是"), False: _("否")}

# name → (label, kind, allowed values or None); the labels are lazy (translated when shown)
ATTRIBUTES: dict[str, tuple[str, str, dict | None]] = {
    "age": (_("年龄"), "range", None),
    "gender": (_("性别"), "choice", dict(ResidentProfile.Gender.choices)),
    "employment_status": (_("就业状态"), "choice", dict(ResidentProfile.Employment.choices)),
    "worker_type": (_("新就业形态劳动者类型"), "choice", dict(ResidentProfile.WorkerType.choices)),
    "union_member": (_("工会会员"), "bool", BOOL_VALUES),
    "league_member": (_("共青团员"), "bool", BOOL_VALUES),
    "overseas": (_("归侨侨眷"), "choice", dict(ResidentProfile.Overseas.choices)),
    "disability_type": (_("残疾类别"), "sensitive", DISABILITY_TYPES),
    "disability_grade": (_("残疾等级"), "sensitive", DISABILITY_GRADES),
    "hardship": (_("家庭困难类型"), "sensitive", HARDSHIPS),
    "community": (_("社区"), "region", None),
    "street": (_("街道"), "region", None),
}
SENSITIVE_ATTRS = {"disability_type": "disability", "disability_grade": "disability", "hardship": "hardship"}
OPS = {"eq", "in", "between", "gte", "lte"}
MAX_DEPTH = 4
MAX_CONDITIONS = 30
MAX_AGE = 150


def _error(message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid_criteria")


def _values(attr: str, op: str, value) -> list:
    """The condition's values as a list (for eq / in)."""
    label, kind, allowed = ATTRIBUTES[attr]
    if op == "eq":
        values = [value]
    elif op == "in":
        if not isinstance(value, list) or not value:
            raise _error(gettext("“%(label)s”的取值列表不能为空。") % {"label": label})
        values = value
    else:
        raise _error(gettext("“%(label)s”不支持范围条件,请用“等于”或“属于”。") % {"label": label})
    out = []
    for v in values:
        if kind == "bool":
            if not isinstance(v, bool):
                raise _error(gettext("“%(label)s”的取值只能是 true 或 false。") % {"label": label})
        elif kind == "region":
            if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
                raise _error(gettext("“%(label)s”的取值应为区域编号。") % {"label": label})
        else:
            v = str(v) if isinstance(v, int) and not isinstance(v, bool) else v
            if not isinstance(v, str) or v not in allowed:
                raise _error(gettext("“%(label)s”的取值“%(value)s”无效,可选:%(choices)s。")
                             % {"label": label, "value": v, "choices": gettext("、").join(allowed)})
        out.append(v)
    return out


def _age_range(op: str, value) -> tuple[int, int]:
    def number(v) -> int:
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= MAX_AGE:
            raise _error(gettext("年龄应为 0 到 %(n)s 之间的整数。") % {"n": MAX_AGE})
        return v

    if op == "between":
        if not isinstance(value, list) or len(value) != 2:
            raise _error(gettext("年龄范围应为 [最小, 最大] 两个数。"))
        low, high = number(value[0]), number(value[1])
        if low > high:
            raise _error(gettext("年龄范围自相矛盾:最小 %(low)s 岁大于最大 %(high)s 岁。") % {"low": low, "high": high})
        return low, high
    if op == "gte":
        return number(value), MAX_AGE
    if op == "lte":
        return 0, number(value)
    raise _error(gettext("年龄只支持范围条件(介于、不小于、不大于)。"))


def _check_condition(node: dict) -> tuple[str, object]:
    attr, op = node.get("attr"), node.get("op")
    if set(node) - {"attr", "op", "value"}:
        raise _error(gettext("筛选条件只能包含 attr、op 和 value。"))
    if attr not in ATTRIBUTES:
        raise _error(gettext("未知的筛选属性:%(attr)s。可用属性:%(names)s。") % {"attr": attr, "names": gettext("、").join(ATTRIBUTES)})
    if op not in OPS:
        raise _error(gettext("未知的比较方式:%(op)s。可用:eq、in、between、gte、lte。") % {"op": op})
    if "value" not in node:
        raise _error(gettext("“%(label)s”缺少取值。") % {"label": ATTRIBUTES[attr][0]})
    if ATTRIBUTES[attr][1] == "range":
        return attr, _age_range(op, node["value"])
    return attr, set(_values(attr, op, node["value"]))


def _check(node, depth: int, counter: list) -> None:
    if depth > MAX_DEPTH:
        raise _error(gettext("筛选条件嵌套不能超过 %(n)s 层。") % {"n": MAX_DEPTH})
    if not isinstance(node, dict) or not node:
        raise _error(gettext("筛选条件不能为空。"))
    groups = [k for k in ("all", "any") if k in node]
    if groups:
        if len(node) != 1:
            raise _error(gettext("一组条件只能是 all(同时满足)或 any(满足其一)之一。"))
        children = node[groups[0]]
        if not isinstance(children, list) or not children:
            raise _error(gettext("筛选条件不能为空。"))
        for child in children:
            _check(child, depth + 1, counter)
        if groups[0] == "all":
            _check_consistent([c for c in children if isinstance(c, dict) and "attr" in c])
        return
    counter[0] += 1
    if counter[0] > MAX_CONDITIONS:
        raise _error(gettext("筛选条件不能超过 %(n)s 个。") % {"n": MAX_CONDITIONS})
    _check_condition(node)


def _check_consistent(conditions: list[dict]) -> None:
    """Conditions that must all hold cannot contradict each other (no one could match)."""
    ranges: dict[str, tuple[int, int]] = {}
    sets: dict[str, set] = {}
    for node in conditions:
        attr, value = _check_condition(node)
        label = ATTRIBUTES[attr][0]
        if isinstance(value, tuple):
            low, high = ranges.get(attr, (0, MAX_AGE))
            low, high = max(low, value[0]), min(high, value[1])
            if low > high:
                raise _error(gettext("筛选条件自相矛盾:“%(label)s”的范围没有交集。") % {"label": label})
            ranges[attr] = (low, high)
        else:
            joined = sets[attr] & value if attr in sets else value
            if not joined:
                raise _error(gettext("筛选条件自相矛盾:“%(label)s”不能同时取不同的值。") % {"label": label})
            sets[attr] = joined


def validate(criteria) -> dict:
    """Raise ApplicationError (Chinese) unless ``criteria`` is a usable structure; return it."""
    if not criteria:
        raise _error(gettext("筛选条件不能为空。"))
    _check(criteria, 1, [0])
    return criteria


def sensitive_categories(criteria) -> set[str]:
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for key in ("all", "any"):
                for child in node.get(key, []) or []:
                    walk(child)
            if node.get("attr") in SENSITIVE_ATTRS:
                found.add(SENSITIVE_ATTRS[node["attr"]])

    walk(criteria)
    return found


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _condition_q(node: dict, today: date) -> Q:
    attr, value = _check_condition(node)
    if attr == "age":
        low, high = value
        # age >= low  ⇔ born on or before today - low years; age <= high ⇔ born after today - (high+1) years
        q = Q(birth_date__lte=_years_ago(today, low))
        if high < MAX_AGE:
            q &= Q(birth_date__gt=_years_ago(today, high + 1))
        return q & Q(birth_date__isnull=False)
    values = sorted(value, key=str)
    if attr == "community":
        return Q(community_id__in=values)
    if attr == "street":
        return Q(community__parent_id__in=values)
    if attr in SENSITIVE_ATTRS:
        column = {"disability_type": "disability_type_hmac", "disability_grade": "disability_grade_hmac",
                  "hardship": "hardship_hmac"}[attr]
        consent = {"disability": "consent_disability", "hardship": "consent_hardship"}[SENSITIVE_ATTRS[attr]]
        return Q(**{f"{column}__in": [keyed_hash(attr, str(v)) for v in values], consent: True})
    return Q(**{f"{attr}__in": values})


def compile_q(criteria, *, today: date) -> Q:
    """One Q over ResidentProfile (validate first)."""
    if "all" in criteria or "any" in criteria:
        key = "all" if "all" in criteria else "any"
        parts = [compile_q(child, today=today) for child in criteria[key]]
        q = parts[0]
        for part in parts[1:]:
            q = (q & part) if key == "all" else (q | part)
        return q
    return _condition_q(criteria, today)


def describe(criteria) -> str:
    """A short description in the active language, e.g. “年龄 18–35 岁 且 就业状态属于 失业”."""
    if "all" in criteria or "any" in criteria:
        key = "all" if "all" in criteria else "any"
        joiner = gettext(" 且 ") if key == "all" else gettext(" 或 ")
        inner = joiner.join(describe(c) for c in criteria[key])
        return f"({inner})" if len(criteria[key]) > 1 else inner
    attr, op, value = criteria["attr"], criteria["op"], criteria.get("value")
    label, kind, allowed = ATTRIBUTES[attr]
    if kind == "range":
        low, high = _age_range(op, value)
        if high < MAX_AGE:
            return gettext("%(label)s %(low)s–%(high)s 岁") % {"label": label, "low": low, "high": high}
        return gettext("%(label)s ≥%(low)s 岁") % {"label": label, "low": low}
    values = value if isinstance(value, list) else [value]
    names = [str(allowed.get(v if kind == "bool" else str(v), str(v))) if allowed else str(v) for v in values]
    return gettext("%(label)s属于 %(values)s") % {"label": label, "values": gettext("、").join(names)}

"""Pages: dashboard, drill-down records, ledgers, supervision (with the dispatch-meeting view),
indicators and the yearly assessment. Thin: they parse input, ask the policy and call services."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods

from quntuan.accounts.decorators import staff_required
from quntuan.assessment import lists, queries, services
from quntuan.assessment.forms import LEDGER_FORMS, IndicatorForm, ManualScoreForm, VetoForm
from quntuan.assessment.models import Assignment, Indicator, Source, VetoFlag
from quntuan.assessment.policies import assessment_policy
from quntuan.assessment.scoping import check_year, parse_int, scope_from_params
from quntuan.cases.policies import case_policy, is_platform_admin
from quntuan.core.exceptions import ApplicationError, NotFound, PermissionDenied
from quntuan.organizations.models import Organization, Region

PARAMS = ("district", "org", "street", "start", "end")

# The dashboard script's words, translated here (the script looks them up by their Chinese).
CHART_WORDS = (
    gettext_noop("人"), gettext_noop("人次"), gettext_noop("办理中"), gettext_noop("加载中…"), gettext_noop("加载失败"),
    gettext_noop("加载失败,请刷新重试。"), gettext_noop("参与人次"), gettext_noop("受理"), gettext_noop("响应率"),
    gettext_noop("场"), gettext_noop("总分"), gettext_noop("按期完成"), gettext_noop("推进中"), gettext_noop("新注册"),
    gettext_noop("服务时长"), gettext_noop("活动场次"), gettext_noop("满意率"), gettext_noop("累计"), gettext_noop("累计注册"),
    gettext_noop("红牌"), gettext_noop("解决率"), gettext_noop("逾期"), gettext_noop("逾期完成"), gettext_noop("所选范围内没有数据。"),
)



def _scope(request):
    return scope_from_params(request.user, {k: request.GET.get(k) for k in PARAMS})


def _year(request) -> int:
    return lists.year_param(request.GET.get("year"))


@staff_required
def dashboard(request):
    scope = _scope(request)
    whole = assessment_policy.sees_whole_district(request.user, scope.district)
    orgs = assessment_policy.visible_orgs(request.user).filter(district=scope.district).order_by("id")
    streets = (Region.objects.filter(district=scope.district, level=Region.Level.STREET).order_by("code")
               if whole else Region.objects.none())
    return render(request, "assessment/pages/dashboard.html", {
        "scope": scope, "whole": whole, "orgs": orgs, "streets": streets,
        "districts": assessment_policy.visible_districts(request.user).order_by("code"),
        "query": urlencode(scope.base_params()),
        "chart_labels": {w: _(w) for w in CHART_WORDS},
    })


@staff_required
def records(request):
    """The records behind a chart point: ?kind=…&district&org&street&start&end[&status][&month]."""
    kind, scope, qs = lists.record_rows(request.user, request.GET)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "assessment/pages/records.html", {
        "kind": kind, "title": lists.RECORD_KINDS[kind], "page": page, "scope": scope,
        "month": request.GET.get("month"), "today": timezone.localdate(),
    })


@staff_required
def ledgers(request):
    scope = _scope(request)
    year = _year(request)
    user = request.user
    whole = assessment_policy.sees_whole_district(user, scope.district)
    ids = [o.pk for o in lists.ledger_orgs(user, scope)]
    start, end = queries.year_range(year)
    scoped = None if whole else ids
    editable = set(assessment_policy.ledger_orgs(user, scope.district).values_list("pk", flat=True))
    supervisor = assessment_policy.is_supervisor_of(user, scope.district.pk) or is_platform_admin(user)
    return render(request, "assessment/pages/ledgers.html", {
        "scope": scope, "year": year, "whole": whole,
        "rows": lists.ledger_summary_rows(user, scope, year),
        "budget_total": queries.budget_total(ids, year),
        "coverage": queries.coverage_by_street(scope.district),
        "coverage_total": queries.coverage_district(scope.district),
        "media": lists.media_rows(user, scope, year),
        "media_levels": queries.media_by_level(scope.district, start, end, scoped),
        "trainings": lists.training_rows(user, scope, year),
        "training_totals": queries.cadre_training_totals(scope.district, start, end, scoped),
        "cadre_list": lists.cadre_rows(user, scope, year),
        "editable": editable, "supervisor": supervisor, "can_add": bool(editable) or supervisor,
    })


@staff_required
def supervision(request):
    scope = _scope(request)
    can_create = assessment_policy.can_manage_supervision(request.user, scope.district.pk)
    return render(request, "assessment/pages/supervision.html", {
        "scope": scope, "today": timezone.localdate(), "can_create": can_create,
        "rows": lists.supervision_rows(request.user, scope),
        "orgs": Organization.objects.filter(district=scope.district, is_active=True).order_by("id"),
    })


@staff_required
@require_http_methods(["POST"])
def supervision_create(request):
    scope = _scope(request)
    due = request.POST.get("due_date") or ""
    try:
        due_date = date.fromisoformat(due)
    except ValueError as exc:
        raise ApplicationError(_("完成时限不是有效的日期。")) from exc
    org_ids = [parse_int(v, _("责任单位")) for v in request.POST.getlist("organizations")]
    item = services.supervision_item_create(
        actor=request.user, district=scope.district, title=request.POST.get("title", ""), due_date=due_date,
        organization_ids=[i for i in org_ids if i], description=request.POST.get("description", ""),
        is_key=request.POST.get("is_key") == "on")
    messages.success(request, _("已创建督查事项“%(t)s”。") % {"t": item.title})
    return redirect(f"/assessment/supervision/?district={scope.district.pk}")


def _assignment(request, pk: int) -> Assignment:
    a = (Assignment.objects.filter(pk=pk, organization__in=assessment_policy.visible_orgs(request.user))
         .select_related("item", "organization").first())
    if a is None:
        raise NotFound()
    return a


@staff_required
@require_http_methods(["GET", "POST"])
def assignment_detail(request, pk: int):
    a = _assignment(request, pk)
    if request.method == "POST":
        action = request.POST.get("action", "report")
        if action == "complete":
            services.assignment_complete(actor=request.user, assignment=a)
            messages.success(request, _("已确认完成。"))
        else:
            month = lists.month_param(request.POST.get("month"))
            month_s = month.strftime("%Y-%m")
            percent = parse_int(request.POST.get("percent"), _("完成进度")) or 0
            services.progress_report_submit(
                actor=request.user, assignment=a, month=month, text=request.POST.get("text", ""), percent=percent,
                files=request.FILES.getlist("files"), video_urls=request.POST.get("videos", "").splitlines())
            messages.success(request, _("已报送 %(m)s 的进展。") % {"m": month_s})
        return redirect("assessment:assignment", pk=a.pk)
    return render(request, "assessment/pages/assignment.html", {
        "a": a, "reports": a.reports.prefetch_related("evidence").order_by("-month"),
        "overdue": a.is_overdue(), "can_report": assessment_policy.can_report(request.user, a.organization_id),
        "can_complete": (assessment_policy.can_manage_supervision(request.user, a.item.district_id)
                         and a.status == Assignment.Status.IN_PROGRESS),
        "this_month": timezone.localdate().strftime("%Y-%m"),
    })


@staff_required
def evidence_file(request, pk: int):
    from django.http import FileResponse

    from quntuan.assessment.models import Evidence
    ev = Evidence.objects.filter(pk=pk, report__assignment__organization__in=assessment_policy.visible_orgs(
        request.user)).first()
    if ev is None or not ev.file:
        raise NotFound()
    return FileResponse(ev.file.open("rb"), content_type=ev.content_type or "application/octet-stream",
                        filename=ev.original_name or ev.file.name, as_attachment=ev.kind != "photo")


@staff_required
def dispatch(request):
    """调度会: one month across all organizations, for a projector (1920×1080, large type)."""
    scope = _scope(request)
    month = lists.month_param(request.GET.get("month"))
    rows = lists.dispatch_rows(request.user, scope, month)
    done = sum(1 for r in rows if r["done"])
    return render(request, "assessment/pages/dispatch.html", {
        "scope": scope, "month": month, "rows": rows, "done": done,
        "overdue": sum(1 for r in rows if r["overdue"]),
        "reported": sum(1 for r in rows if r["report"]),
        "prev": (month.replace(day=1) - queries.timedelta(days=1)).strftime("%Y-%m"),
        "next": queries.next_month(month).strftime("%Y-%m"),
    })


@staff_required
@require_http_methods(["GET", "POST"])
def indicators(request):
    """The year's indicators and weights; only the supervisor adds, edits and removes them."""
    scope = _scope(request)
    year = _year(request)
    can_edit = assessment_policy.can_edit_indicators(request.user, scope.district.pk)
    form = IndicatorForm(request.POST or None) if request.POST.get("action", "create") == "create" else IndicatorForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "create")
        back = redirect(f"/assessment/indicators/?district={scope.district.pk}&year={year}")
        if action in ("update", "delete"):
            ind = Indicator.objects.filter(pk=parse_int(request.POST.get("indicator"), _("指标")),
                                           district=scope.district).first()
            if ind is None:
                raise NotFound()
            if action == "delete":
                services.indicator_delete(actor=request.user, indicator=ind)
                messages.success(request, _("已删除指标“%(n)s”。") % {"n": ind.name})
                return back
            services.indicator_update(actor=request.user, indicator=ind,
                                      weight=parse_int(request.POST.get("weight"), _("权重")) or 0,
                                      target=request.POST.get("target") or None,
                                      name=request.POST.get("name") or None,
                                      order=parse_int(request.POST.get("order"), _("排序")))
            messages.success(request, _("考核指标已保存。"))
            return back
        if not can_edit:
            raise PermissionDenied(_("只有区督查人员可以设置考核指标和权重。"))
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.indicator_create(actor=request.user, district=scope.district, year=year, name=d["name"],
                                          source=d["source"], weight=d["weight"], target=d["target"],
                                          scope=d["scope"], order=d["order"] or 0)
            except PermissionDenied:
                raise
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("考核指标已保存。"))
                return back
        status = 400
    inds = list(Indicator.objects.filter(district=scope.district, year=year))
    return render(request, "assessment/pages/indicators.html", {
        "scope": scope, "year": year, "indicators": inds, "can_edit": can_edit, "form": form,
        "weight_total": sum(i.weight for i in inds if i.scope == Indicator.Scope.ORGANIZATION),
        "street_weight_total": sum(i.weight for i in inds if i.scope == Indicator.Scope.STREET),
        "rate_sources": [str(s) for s in queries.RATE_SOURCES],
    }, status=status)


def _indicator(request, pk: int) -> Indicator:
    ind = (Indicator.objects.filter(pk=pk, district__in=assessment_policy.visible_districts(request.user))
           .select_related("district").first())
    if ind is None:
        raise NotFound()
    return ind


@staff_required
@require_http_methods(["GET", "POST"])
def indicator_scores(request, pk: int):
    """Hand scores of one manual indicator: every organization (or street) with its score and
    evidence; the supervisor gives or replaces a score with written evidence, a file, or both."""
    ind = _indicator(request, pk)
    if ind.source != Source.MANUAL:
        raise ApplicationError(_("该指标由平台数据计算,不能人工评分。"))
    can_edit = assessment_policy.can_edit_indicators(request.user, ind.district_id)
    street = ind.scope == Indicator.Scope.STREET
    whole = assessment_policy.sees_whole_district(request.user, ind.district)
    if street and not whole:
        raise NotFound()
    targets = (list(Region.objects.filter(district=ind.district, level=Region.Level.STREET).order_by("code"))
               if street else list(assessment_policy.visible_orgs(request.user).filter(district=ind.district)
                                   .order_by("id")))
    errors, status = {}, 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("只有区督查人员可以设置考核指标和权重。"))
        target_id = parse_int(request.POST.get("target"), _("评分对象"))
        target = next((t for t in targets if t.pk == target_id), None)
        if target is None:
            raise NotFound(_("未找到该评分对象。"))
        form = ManualScoreForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.manual_score_set(actor=request.user, indicator=ind, score=d["score"],
                                          evidence=d["evidence"], evidence_file=d["evidence_file"],
                                          **({"street": target} if street else {"organization": target}))
            except PermissionDenied:
                raise
            except ApplicationError as exc:
                errors[target.pk] = [exc.message]
            else:
                messages.success(request, _("已保存%(t)s的评分。") % {"t": target.name})
                return redirect(f"/assessment/indicators/{ind.pk}/scores/#t-{target.pk}")
        else:
            errors[target.pk] = [e for errs in form.errors.values() for e in errs]
        status = 400
    field = "street_id" if street else "organization_id"
    scores = {getattr(m, field): m for m in ind.manual_scores.all()}
    rows = [{"target": t, "score": scores.get(t.pk), "errors": errors.get(t.pk, [])} for t in targets]
    return render(request, "assessment/pages/indicator_scores.html", {
        "indicator": ind, "rows": rows, "can_edit": can_edit, "scope": {"district": ind.district,
                                                                        "end": date(ind.year, 12, 31)},
        "street": street,
    }, status=status)


@staff_required
def score_file(request, pk: int):
    from quntuan.assessment.models import ManualScore

    ms = ManualScore.objects.filter(pk=pk).select_related("indicator__district").first()
    if ms is None or not ms.evidence_file:
        raise NotFound()
    if ms.organization_id is not None:
        allowed = assessment_policy.can_view_org(request.user, ms.organization_id)
    else:
        allowed = assessment_policy.sees_whole_district(request.user, ms.indicator.district)
    if not allowed:
        raise NotFound()
    return _file_response(ms.evidence_file, ms.evidence_name)


def _file_response(f, name: str):
    from django.http import FileResponse

    return FileResponse(f.open("rb"), filename=name or f.name, as_attachment=True)


@staff_required
@require_http_methods(["GET", "POST"])
def vetoes(request):
    """一票否决 of the year: the flags (with their evidence) and the key tasks not done on time,
    which veto by themselves; the supervisor flags and withdraws."""
    scope = _scope(request)
    year = _year(request)
    can_edit = assessment_policy.can_edit_indicators(request.user, scope.district.pk)
    visible = assessment_policy.visible_orgs(request.user).filter(district=scope.district)
    orgs = Organization.objects.filter(district=scope.district, is_active=True).order_by("id")
    form = VetoForm(request.POST or None, request.FILES or None, organizations=orgs)
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("只有区督查人员可以设置考核指标和权重。"))
        back = redirect(f"/assessment/vetoes/?district={scope.district.pk}&year={year}")
        if request.POST.get("action") == "withdraw":
            flag = VetoFlag.objects.filter(pk=parse_int(request.POST.get("flag"), _("一票否决")),
                                           district=scope.district).first()
            if flag is None:
                raise NotFound()
            services.veto_flag_withdraw(actor=request.user, flag=flag)
            messages.success(request, _("已撤销。"))
            return back
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.veto_flag_create(actor=request.user, organization=d["organization"], year=year,
                                          kind=d["kind"], reason=d["reason"], evidence_file=d["evidence_file"])
            except PermissionDenied:
                raise
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已登记一票否决。"))
                return back
        status = 400
    flags = lists.veto_rows(request.user, scope, year)
    start, end = queries.year_range(year)
    key_late = (Assignment.objects.filter(item__district=scope.district, item__is_key=True, due_date__gte=start,
                                          due_date__lte=end, organization__in=visible)
                .filter(queries.overdue_q(timezone.localdate())).select_related("item", "organization"))
    return render(request, "assessment/pages/vetoes.html", {
        "scope": scope, "year": year, "flags": flags, "key_late": key_late, "can_edit": can_edit, "form": form,
    }, status=status)


@staff_required
def veto_file(request, pk: int):
    flag = VetoFlag.objects.filter(pk=pk).first()
    if flag is None or not flag.evidence_file or not assessment_policy.can_view_org(request.user,
                                                                                     flag.organization_id):
        raise NotFound()
    return _file_response(flag.evidence_file, flag.evidence_name)


@staff_required
def results(request, year: int):
    check_year(year)
    scope = _scope(request)
    target = request.GET.get("scope", Indicator.Scope.ORGANIZATION)
    rows, indicators, whole = lists.result_rows(request.user, scope, year, target)
    return render(request, "assessment/pages/results.html", {
        "scope": scope, "year": year, "rows": rows, "indicators": indicators, "target": target, "whole": whole,
        "can_edit": assessment_policy.can_edit_indicators(request.user, scope.district.pk),
    })


@staff_required
def indicator_drill(request, pk: int, target_id: int):
    """The records behind one computed number of the assessment."""
    ind = Indicator.objects.filter(pk=pk, district__in=assessment_policy.visible_districts(request.user)).first()
    if ind is None:
        raise NotFound()
    if ind.scope == Indicator.Scope.ORGANIZATION:
        if not assessment_policy.can_view_org(request.user, target_id):
            raise NotFound()
        target = Organization.objects.get(pk=target_id)
    else:
        if not assessment_policy.sees_whole_district(request.user, ind.district):
            raise NotFound()
        target = Region.objects.filter(pk=target_id, district=ind.district).first()
        if target is None:
            raise NotFound()
    kind, qs = queries.indicator_records(ind, target_id)
    if kind in ("cases",):
        qs = qs.filter(pk__in=case_policy.visible(request.user).values("pk"))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "assessment/pages/indicator_records.html", {
        "indicator": ind, "target": target, "kind": kind, "page": page, "today": timezone.localdate(),
    })


# --- ledger entry pages ----------------------------------------------------------------------------

def _ledger_kind(kind: str):
    if kind not in LEDGER_FORMS:
        raise NotFound(_("未知的台账类型。"))
    return LEDGER_FORMS[kind]


def _org_for_ledger(request, org_id) -> Organization:
    org = assessment_policy.visible_orgs(request.user).filter(pk=org_id).select_related("district").first()
    if org is None:
        raise NotFound(_("未找到该组织,或您无权查看。"))
    return org


def _entry_visible(request, model, pk: int):
    entry = model.objects.filter(pk=pk).first()
    if entry is None:
        raise NotFound()
    org_id = getattr(entry, "organization_id", None)
    if org_id is not None:
        if not assessment_policy.can_view_org(request.user, org_id):
            raise NotFound()
    elif not assessment_policy.visible_districts(request.user).filter(pk=entry.district_id).exists():
        raise NotFound()
    return entry


def _entry_district(entry) -> Region:
    return entry.district if hasattr(entry, "district_id") else entry.organization.district


def _after_ledger(entry_or_org, district: Region, year: int | None = None):
    org_id = getattr(entry_or_org, "organization_id", None)
    suffix = f"?year={year}" if year else ""
    if org_id:
        return redirect(f"/assessment/ledgers/org/{org_id}/{suffix}")
    return redirect(f"/assessment/ledgers/?district={district.pk}{'&' + suffix[1:] if suffix else ''}")


@staff_required
def ledger_org(request, org_id: int):
    """One organization's whole ledger with its rows, edit links for those who may edit."""
    org = _org_for_ledger(request, org_id)
    year = _year(request)
    start, end = queries.year_range(year)
    can_edit = assessment_policy.can_edit_ledger(request.user, org, org.district_id)
    return render(request, "assessment/pages/ledger_org.html", {
        "org": org, "year": year, "can_edit": can_edit, "scope": {"district": org.district, "end": end},
        "posts": org.posts.annotate(vacancy=F("authorized") - F("filled")), "cadres": org.cadres.all(),
        "budgets": list(reversed(lists.budget_history(org.budgets.all()))),
        "offices": org.office_spaces.all(),
        "media": org.media_reports.filter(published_on__gte=start, published_on__lte=end),
        "trainings": org.cadre_trainings.filter(start__gte=start, start__lte=end),
    })


def _ledger_form(request, kind: str, *, instance=None, district: Region, organization: Organization | None):
    _model, form_class, _label = LEDGER_FORMS[kind]
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    if kind in ("media", "training"):
        return form_class(*data, instance=instance, organizations=assessment_policy.ledger_orgs(request.user, district),
                          allow_district=assessment_policy.is_supervisor_of(request.user, district.pk)
                          or is_platform_admin(request.user))
    initial = None
    if kind == "budget" and instance is None:
        initial = {"year": parse_int(request.GET.get("year"), _("年度")) or timezone.localdate().year}
    return form_class(*data, instance=instance, initial=initial)


def _save_ledger(request, kind: str, form, *, instance, district: Region, organization: Organization | None):
    d, user = form.cleaned_data, request.user
    if kind in ("media", "training"):
        organization = d["organization"]
    if kind == "post":
        fields = {"name": d["name"], "kind": d["kind"], "authorized": d["authorized"], "filled": d["filled"]}
        return (services.post_update(actor=user, post=instance, **fields) if instance
                else services.post_create(actor=user, organization=organization, **fields))
    if kind == "cadre":
        fields = {k: d[k] for k in ("name", "kind", "start", "end", "position", "from_unit")}
        return (services.cadre_update(actor=user, cadre=instance, **fields) if instance
                else services.cadre_create(actor=user, organization=organization, **fields))
    if kind == "budget":
        year = instance.year if instance else d["year"]
        return services.budget_set(actor=user, organization=organization, year=year, amount=d["amount"],
                                   note=d["note"])
    if kind == "office":
        fields = {"address": d["address"], "area": d["area"], "rooms": d["rooms"], "note": d["note"]}
        return (services.office_space_update(actor=user, space=instance, **fields) if instance
                else services.office_space_create(actor=user, organization=organization, **fields))
    if kind == "media":
        fields = {k: d[k] for k in ("title", "outlet", "published_on", "level", "link")}
        return (services.media_report_update(actor=user, report=instance, organization=organization, **fields)
                if instance else services.media_report_create(actor=user, district=district,
                                                              organization=organization, **fields))
    fields = {k: d[k] for k in ("title", "start", "days", "trainees")}
    return (services.cadre_training_update(actor=user, training=instance, organization=organization, **fields)
            if instance else services.cadre_training_create(actor=user, district=district,
                                                            organization=organization, **fields))


def _ledger_page(request, kind: str, *, instance, district: Region, organization: Organization | None):
    form = _ledger_form(request, kind, instance=instance, district=district, organization=organization)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                entry = _save_ledger(request, kind, form, instance=instance, district=district,
                                     organization=organization)
            except PermissionDenied:
                raise
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("台账已保存。"))
                return _after_ledger(entry, district, getattr(entry, "year", None))
        status = 400
    previous = None
    if kind == "budget" and organization is not None:
        year = instance.year if instance else (parse_int(request.POST.get("year") or request.GET.get("year"),
                                                         _("年度")) or timezone.localdate().year)
        previous = organization.budgets.filter(year=year - 1).first()
    return render(request, "assessment/pages/ledger_form.html", {
        "form": form, "kind": kind, "label": LEDGER_FORMS[kind][2], "entry": instance, "organization": organization,
        "district": district, "previous": previous, "scope": {"district": district, "end": timezone.localdate()},
    }, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def ledger_new(request, kind: str):
    _ledger_kind(kind)
    if kind in ("media", "training"):
        district = _scope(request).district
        if not assessment_policy.ledger_orgs(request.user, district).exists() and not (
                assessment_policy.is_supervisor_of(request.user, district.pk) or is_platform_admin(request.user)):
            raise PermissionDenied(_("您无权修改该台账。"))
        return _ledger_page(request, kind, instance=None, district=district, organization=None)
    org = _org_for_ledger(request, parse_int(request.GET.get("org"), _("组织")))
    if not assessment_policy.can_edit_ledger(request.user, org, org.district_id):
        raise PermissionDenied(_("您无权修改该台账。"))
    return _ledger_page(request, kind, instance=None, district=org.district, organization=org)


@staff_required
@require_http_methods(["GET", "POST"])
def ledger_edit(request, kind: str, pk: int):
    model = _ledger_kind(kind)[0]
    entry = _entry_visible(request, model, pk)
    district = _entry_district(entry)
    organization = getattr(entry, "organization", None)
    if not assessment_policy.can_edit_ledger(request.user, organization, district.pk):
        raise PermissionDenied(_("您无权修改该台账。"))
    return _ledger_page(request, kind, instance=entry, district=district, organization=organization)


@staff_required
@require_http_methods(["POST"])
def ledger_delete(request, kind: str, pk: int):
    model = _ledger_kind(kind)[0]
    entry = _entry_visible(request, model, pk)
    district = _entry_district(entry)
    services.ledger_entry_delete(actor=request.user, entry=entry)
    messages.success(request, _("已删除。"))
    return _after_ledger(entry, district)

"""The Django floor: a bare JSON view and a view doing one indexed query. They run through the
same middleware as every product page, so the distance between them and a product page is what
the product's own code costs."""

from django.http import JsonResponse

from quntuan.cases.models import Case


def floor_json(request):
    return JsonResponse({"ok": True})


def floor_query(request):
    try:
        case_id = int(request.GET.get("id", "1"))
    except ValueError:
        case_id = 1
    row = Case.objects.filter(pk=case_id).values("id", "tracking_no", "status", "due_date").first()
    return JsonResponse({"case": row}, json_dumps_params={"ensure_ascii": False})

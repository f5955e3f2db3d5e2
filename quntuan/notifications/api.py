"""Inbox endpoints: list, unread count, mark one or all read. Session (with CSRF), bearer token or Basic."""

from datetime import datetime

from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from quntuan.api.auth import AUTH, request_user
from quntuan.notifications import services
from quntuan.notifications.policies import notification_policy

router = Router(tags=["消息"], auth=AUTH)


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    link: str
    case_id: int | None = None
    created_at: datetime
    read_at: datetime | None = None


class UnreadOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int
    unread: int


@router.get("/inbox", response=list[NotificationOut], summary="我的消息")
@paginate(PageNumberPagination)
def inbox_list(request, unread: bool = False):
    qs = notification_policy.visible(request_user(request)).order_by("-created_at", "-pk")
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs


@router.get("/inbox/unread-count", response=UnreadOut, summary="未读消息数")
def inbox_unread_count(request):
    return {"unread": notification_policy.unread_count(request_user(request))}


@router.post("/inbox/{notification_id}/read", response=NotificationOut, summary="标为已读")
def inbox_mark_read(request, notification_id: int):
    return services.notification_mark_read(user=request_user(request), notification_id=notification_id)


@router.post("/inbox/read-all", response=MarkedOut, summary="全部标为已读")
def inbox_mark_all_read(request):
    marked = services.notification_mark_all_read(user=request_user(request))
    return {"marked": marked, "unread": notification_policy.unread_count(request_user(request))}

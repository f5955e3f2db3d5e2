"""Schemas of the activities API. Field titles are Chinese: validation messages name them."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from quntuan.cases.schemas import ErrorOut, Ref, ValidationErrorOut  # noqa: F401 - shared shapes


class VenueIn(Schema):
    owner_id: int = Field(..., title="所属单位")
    community_id: int = Field(..., title="所在社区")
    name: str = Field(..., title="名称", max_length=64)
    address: str = Field(..., title="地址", max_length=128)
    capacity: int = Field(..., title="容纳人数")
    facilities: str = Field("", title="设施", max_length=256)
    opening_hours: list[list[list[str]]] | None = Field(None, title="开放时间",
                                                         description="周一至周日,每天若干 [开始, 结束],如 [[\"09:00\", \"21:00\"]]")
    bookable_by: list[int] = Field(default_factory=list, title="可预约单位")
    buffer_minutes: int = Field(30, title="场地间隔(分钟)")
    is_active: bool = Field(True, title="启用")


class VenueOut(Schema):
    id: int
    name: str
    address: str
    owner: Ref
    community: Ref
    capacity: int
    facilities: str
    opening_hours: list
    bookable_by: list[Ref]
    buffer_minutes: int
    is_active: bool


class SlotOut(Schema):
    start: datetime
    end: datetime


class BusyOut(Schema):
    start: datetime = Field(..., title="开始")
    end: datetime = Field(..., title="结束")
    block_end: datetime = Field(..., title="含间隔的结束")
    activity_id: int
    title: str
    organizer: str


class VenueDayOut(Schema):
    venue_id: int
    day: date
    busy: list[BusyOut]
    free_slots: list[SlotOut]


class ActivityIn(Schema):
    primary_host_id: int = Field(..., title="主办单位")
    co_host_ids: list[int] = Field(default_factory=list, title="协办单位")
    host_staff_ids: list[int] = Field(default_factory=list, title="负责工作人员")
    kind: str = Field(..., title="类型", description="training, volunteer, lecture, culture, competition, brand")
    title: str = Field(..., title="标题", max_length=100)
    description: str = Field("", title="简介", max_length=2000)
    start: datetime = Field(..., title="开始时间")
    end: datetime = Field(..., title="结束时间")
    venue_id: int | None = Field(None, title="阵地")
    address: str = Field("", title="活动地址", max_length=128)
    community_id: int | None = Field(None, title="社区")
    capacity: int = Field(..., title="名额")
    age_min: int | None = Field(None, title="最小年龄")
    age_max: int | None = Field(None, title="最大年龄")
    audience_groups: list[str] = Field(default_factory=list, title="面向人群",
                                       description="workers, youth, women, children, disabled, overseas, elderly")
    registration_opens: datetime | None = Field(None, title="报名开始")
    registration_closes: datetime | None = Field(None, title="报名截止")
    needs_approval: bool = Field(False, title="报名需审核")
    contact_name: str = Field("", title="联系人", max_length=32)
    contact_phone: str = Field("", title="联系电话", max_length=32)


class WarningOut(Schema):
    kind: str = Field(..., description="audience(同街道相近人群)或 staff(工作人员时间重叠)")
    activity_id: int
    title: str
    organizer: str
    message: str


class ActivityOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    description: str
    status: str
    start: datetime
    end: datetime
    primary_host: Ref
    hosts: list[Ref]
    venue: Ref | None
    place: str
    community: Ref | None
    street: Ref | None
    capacity: int
    confirmed: int
    waitlisted: int
    age_min: int | None
    age_max: int | None
    audience_groups: list[str]
    registration_opens: datetime | None
    registration_closes: datetime | None
    needs_approval: bool
    contact_name: str
    contact_phone: str


class ActivitySavedOut(ActivityOut):
    warnings: list[WarningOut]


class CancelIn(Schema):
    reason: str = Field(..., title="取消原因", max_length=200)


class RegistrationOut(Schema):
    id: int
    activity_id: int
    activity_title: str
    activity_start: datetime
    status: str
    status_label: str
    seq: int
    waitlist_position: int | None
    resident_name: str | None = None
    checked_in_at: datetime | None
    qr_token: str | None = Field(None, description="二维码内容(仅本人、已确认时提供)")
    short_code: str | None = Field(None, description="手工输入的签到码")


class DecisionIn(Schema):
    note: str = Field("", title="原因", max_length=200)


class CheckInIn(Schema):
    code: str = Field(..., title="签到码", max_length=120)


class WalkInIn(Schema):
    name: str = Field(..., title="姓名", max_length=32)
    mobile: str = Field("", title="手机号", max_length=11)


class CheckInOut(Schema):
    id: int
    activity_id: int
    registration_id: int | None
    name: str
    checked_in_at: datetime


class AttendanceOut(Schema):
    activity_id: int
    confirmed: int
    attended: int
    walk_ins: int
    person_times: int
    no_shows: int
    no_show_rate: float | None


class OrgAttendanceOut(Schema):
    organization_id: int
    organization: str
    activities: int
    confirmed: int
    attended: int
    walk_ins: int
    person_times: int
    no_shows: int
    no_show_rate: float | None

"""Schemas of the volunteers and training API. Field titles are Chinese: validation messages name
them. ID numbers never leave the server unmasked."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from quntuan.cases.schemas import ErrorOut, Ref, ValidationErrorOut  # noqa: F401 - shared shapes


class VolunteerIn(Schema):
    real_name: str = Field(..., title="真实姓名", max_length=32)
    id_type: str = Field("resident_id", title="证件类型",
                         description="resident_id、hk_macao、taiwan、passport、foreign_pr")
    id_number: str = Field(..., title="证件号码", max_length=32)
    skills: str = Field("", title="技能特长", max_length=200)
    availability: str = Field("", title="可服务时间", max_length=200)


class ProfileIn(Schema):
    skills: str = Field("", title="技能特长", max_length=200)
    availability: str = Field("", title="可服务时间", max_length=200)


class VolunteerOut(Schema):
    id: int
    number: str
    real_name: str
    id_type: str
    id_type_label: str
    id_number_masked: str = Field(..., description="证件号码(隐去部分)")
    skills: str
    availability: str
    status: str
    status_label: str
    confirmed_minutes: int = Field(..., description="累计已确认时长(分钟)")
    pending_minutes: int = Field(..., description="待确认的自报时长(分钟)")
    star_level: int = Field(..., description="星级 0–5")
    star_name: str
    teams: list[Ref]


class StatusIn(Schema):
    status: str = Field(..., title="状态", description="active、suspended、withdrawn")
    reason: str = Field("", title="原因", max_length=200)


class ShiftIn(Schema):
    title: str = Field(..., title="岗位名称", max_length=64)
    start: datetime = Field(..., title="开始时间")
    end: datetime = Field(..., title="结束时间")
    slots: int = Field(..., title="名额")
    team_id: int | None = Field(None, title="限定服务队")


class ShiftOut(Schema):
    id: int
    activity_id: int
    activity_title: str
    title: str
    start: datetime
    end: datetime
    length_minutes: int
    slots: int
    taken: int
    team: Ref | None


class SignupOut(Schema):
    id: int
    shift_id: int
    volunteer_id: int
    volunteer_name: str
    volunteer_number: str
    status: str


class ShiftDetailOut(ShiftOut):
    signups: list[SignupOut]


class ReportIn(Schema):
    minutes: int = Field(..., title="服务时长(分钟)")
    note: str = Field("", title="说明", max_length=200)


class RecordOut(Schema):
    id: int
    shift_id: int
    activity_id: int
    content: str
    volunteer_id: int
    volunteer_name: str
    status: str
    status_label: str
    reported_minutes: int | None
    minutes: int
    note: str
    shift_start: datetime
    shift_end: datetime
    confirmed_at: datetime | None


class ConfirmIn(Schema):
    minutes: int | None = Field(None, title="认定时长(分钟)", description="不填则按自报时长确认")
    note: str = Field("", title="更正说明", max_length=200)


class RejectIn(Schema):
    note: str = Field(..., title="不予认可的原因", max_length=200)


class BulkConfirmIn(Schema):
    record_ids: list[int] = Field(..., title="记录", min_length=1, max_length=500)


class HoursEntry(Schema):
    volunteer_id: int = Field(..., title="志愿者")
    minutes: int = Field(..., title="服务时长(分钟)")


class ShiftHoursIn(Schema):
    entries: list[HoursEntry] = Field(..., title="名单", min_length=1, max_length=1000)


class CountOut(Schema):
    count: int


class ServedIn(Schema):
    people_served: int = Field(..., title="服务人数")
    summary: str = Field("", title="服务概况", max_length=500)


class ServedOut(Schema):
    activity_id: int
    people_served: int
    summary: str


class CertificateIn(Schema):
    organization_id: int = Field(..., title="出具组织")
    responsible_person: str = Field(..., title="负责人", max_length=32)
    handler: str = Field(..., title="经办人", max_length=32)
    contact: str = Field(..., title="联系方式", max_length=32)
    content: str = Field("", title="服务内容", max_length=500)
    period_start: date | None = Field(None, title="服务起始日期")
    period_end: date | None = Field(None, title="服务截止日期")


class CertificateOut(Schema):
    id: int
    number: str
    real_name: str
    id_type_label: str
    id_number_masked: str
    volunteer_number: str
    minutes: int
    period_start: date | None
    period_end: date | None
    content: str
    organization: Ref
    responsible_person: str
    handler: str
    contact: str
    issued_on: date
    download_url: str


class VerifyOut(Schema):
    number: str
    name_masked: str
    minutes: int
    hours_text: str
    organization: str
    issued_on: date


class TeamIn(Schema):
    organization_id: int = Field(..., title="所属组织")
    name: str = Field(..., title="队伍名称", max_length=64)
    description: str = Field("", title="简介", max_length=200)


class MemberIn(Schema):
    volunteer_id: int = Field(..., title="志愿者")


class TeamOut(Schema):
    id: int
    organization: Ref
    name: str
    description: str
    members: list[Ref]


class CourseIn(Schema):
    organization_id: int = Field(..., title="举办组织")
    title: str = Field(..., title="课程名称", max_length=100)
    audience: str = Field("", title="培训对象", max_length=100)
    description: str = Field("", title="简介", max_length=2000)
    activity_id: int | None = Field(None, title="对应活动")
    completion_percent: int | None = Field(None, title="结业出勤比例(%)")


class SessionIn(Schema):
    start: datetime = Field(..., title="开始时间")
    end: datetime = Field(..., title="结束时间")
    topic: str = Field("", title="内容", max_length=100)


class SessionOut(Schema):
    id: int
    start: datetime
    end: datetime
    topic: str
    present: int


class EnrollIn(Schema):
    mobile: str = Field(..., title="居民手机号", max_length=11)


class EnrollmentOut(Schema):
    id: int
    course_id: int
    course_title: str
    trainee_id: int
    trainee_name: str
    attended: int
    completed: bool
    completed_on: date | None
    certificate_number: str | None
    outcome: str | None
    outcome_label: str | None
    outcome_on: date | None


class CourseOut(Schema):
    id: int
    organization: Ref
    title: str
    audience: str
    description: str
    activity_id: int | None
    completion_percent: int
    sessions: list[SessionOut]
    enrollments: list[EnrollmentOut]


class AttendanceIn(Schema):
    enrollment_ids: list[int] = Field(..., title="出勤学员", max_length=2000)


class OutcomeIn(Schema):
    kind: str = Field(..., title="培训后去向", description="reemployed、changed_job、started_business、none")
    on: date = Field(..., title="日期")
    note: str = Field("", title="说明", max_length=200)


class FiguresOut(Schema):
    organization: Ref
    person_times: int = Field(..., description="培训人次")
    trainees: int = Field(..., description="培训人数")
    completed: int = Field(..., description="结业人数")
    reemployed: int = Field(..., description="实现再就业")
    changed_job: int = Field(..., description="转岗换岗")
    businesses_started: int = Field(..., description="自主创业")

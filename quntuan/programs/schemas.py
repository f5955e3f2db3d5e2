"""Schemas of the programs API. Field titles are Chinese: validation messages name them."""

from __future__ import annotations

from datetime import date

from ninja import Field, Schema


class PlanIn(Schema):
    organization_id: int = Field(..., title="发布组织")
    title: str = Field(..., title="计划名称", min_length=1, max_length=100)
    goal: str = Field(..., title="计划目标", min_length=1, max_length=2000)
    kind: str = Field("other", title="计划类型")
    audience: str = Field("", title="面向人群")
    community_id: int | None = Field(None, title="社区")
    start_date: date = Field(..., title="开始日期")
    end_date: date = Field(..., title="结束日期")
    capacity: int | None = Field(None, title="计划人数")
    budget_line: str = Field("", title="预算科目", max_length=100)
    contact_name: str = Field("", title="联系人", max_length=32)
    contact_phone: str = Field("", title="联系电话", max_length=32)
    target_group_id: int | None = Field(None, title="目标人群")
    activity_ids: list[int] = Field(default_factory=list, title="关联活动")
    service_ids: list[int] = Field(default_factory=list, title="关联服务")


class OutcomesIn(Schema):
    trained: int | None = Field(None, title="培训人数", ge=0)
    reemployed: int | None = Field(None, title="再就业人数", ge=0)
    businesses_started: int | None = Field(None, title="创业户数", ge=0)
    jobs_created: int | None = Field(None, title="带动就业岗位", ge=0)
    people_served: int | None = Field(None, title="服务人次", ge=0)


class CommentIn(Schema):
    organization_id: int = Field(..., title="组织")
    kind: str = Field("comment", title="留言类型")
    body: str = Field(..., title="留言内容", min_length=1, max_length=1000)


class AudienceIn(Schema):
    criteria: dict = Field(..., title="筛选条件")
    purpose: str = Field(..., title="推送类别")
    organization_id: int = Field(..., title="组织")


class TargetGroupIn(Schema):
    organization_id: int = Field(..., title="组织")
    name: str = Field(..., title="人群名称", min_length=1, max_length=64)
    criteria: dict = Field(..., title="筛选条件")


class NoticeIn(Schema):
    organization_id: int = Field(..., title="组织")
    title: str = Field(..., title="标题", min_length=1, max_length=100)
    body: str = Field(..., title="内容", min_length=1, max_length=2000)
    purpose: str = Field(..., title="推送类别")
    target_group_id: int | None = Field(None, title="目标人群")
    criteria: dict | None = Field(None, title="筛选条件")
    plan_id: int | None = Field(None, title="计划")
    activity_id: int | None = Field(None, title="报名活动")
    course_id: int | None = Field(None, title="报名培训课程")
    service_id: int | None = Field(None, title="申请服务")
    channels: list[str] = Field(default_factory=lambda: ["inbox"], title="渠道")


class ProfileIn(Schema):
    birth_date: date | None = Field(None, title="出生日期")
    gender: str | None = Field(None, title="性别")
    employment_status: str | None = Field(None, title="就业状态")
    worker_type: str | None = Field(None, title="新就业形态劳动者类型")
    union_member: bool | None = Field(None, title="工会会员")
    league_member: bool | None = Field(None, title="共青团员")
    overseas: str | None = Field(None, title="归侨侨眷")
    community_id: int | None = Field(None, title="所在社区")
    disability_type: str | None = Field(None, title="残疾类别")
    disability_grade: str | None = Field(None, title="残疾等级")
    hardship: str | None = Field(None, title="家庭困难类型")


class ConsentIn(Schema):
    purposes: list[str] = Field(..., title="用途或类别")


class ReferralIn(Schema):
    from_organization_id: int = Field(..., title="转出组织")
    resident_id: int = Field(..., title="居民")
    reason: str = Field(..., title="转介原因", min_length=1, max_length=1000)
    plan_id: int | None = Field(None, title="计划")
    service_id: int | None = Field(None, title="服务")


class ReferralDecisionIn(Schema):
    status: str = Field(..., title="状态")
    outcome: str = Field("", title="办理结果", max_length=1000)


class ReferralConsentIn(Schema):
    agree: bool = Field(..., title="是否同意(已同意的转介传 false 即撤回)")
    share: list[str] = Field(default_factory=list, title="同时提供给接收组织的敏感信息(disability、hardship)")

"""Request and response schemas of the cases API. Every field carries a Chinese title (used in
validation messages) and a description (shown in the OpenAPI documentation)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator

from quntuan.core.text import is_valid_mobile

MARKUP_RE = re.compile(r"<\s*/?\s*[a-zA-Z!?]|javascript\s*:", re.IGNORECASE)


def _plain_text(value: str) -> str:
    value = value.strip()
    if MARKUP_RE.search(value):
        raise ValueError(_("不能包含 HTML 标签或脚本"))
    return value


def _required_text(value: str) -> str:
    value = _plain_text(value)
    if not value:
        raise ValueError(_("不能为空"))
    return value


def _mobile(value: str) -> str:
    value = value.strip()
    if value and not is_valid_mobile(value):
        raise ValueError(_("应为正确的 11 位手机号码"))
    return value


def _email(value: str) -> str:
    value = value.strip()
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError(_("格式不正确")) from None
    return value


PlainText = Annotated[str, AfterValidator(_plain_text)]
RequiredText = Annotated[str, AfterValidator(_required_text)]
Mobile = Annotated[str, AfterValidator(_mobile)]
Email = Annotated[str, AfterValidator(_email)]

ChannelCode = Literal["web", "mobile", "wechat", "phone", "walk_in"]
QueueName = Literal["mine", "org", "first_inquiry", "cohandling", "transfers_in", "overdue", "followups"]
RatingLevel = Literal["satisfied", "basic", "dissatisfied"]
FollowUpOutcome = Literal["satisfied", "basic", "dissatisfied", "unreachable"]


# --- common ----------------------------------------------------------------------------------


class ErrorOut(Schema):
    code: str = Field(..., description="错误代码,如 invalid、forbidden、not_found、conflict")
    message: str = Field(..., description="中文错误说明")


class ValidationErrorItem(Schema):
    field: str = Field(..., description="出错的字段")
    loc: list[str | int] = Field(..., description="出错位置")
    type: str = Field(..., description="错误类型")
    message: str = Field(..., description="中文说明")


class ValidationErrorOut(ErrorOut):
    errors: list[ValidationErrorItem] = Field(..., description="逐项错误")


class Ref(Schema):
    id: int = Field(..., description="编号")
    name: str = Field(..., description="名称")


class CategoryRef(Schema):
    code: str = Field(..., description="类别代码,如 union.legal")
    name: str = Field(..., description="类别名称")


class PersonRef(Schema):
    name: str = Field(..., description="姓名")
    phone: str = Field("", description="联系电话(单位电话)")


# --- input -----------------------------------------------------------------------------------


class OtpIn(Schema):
    mobile: Mobile = Field(..., title="手机号", description="接收验证码的 11 位手机号", min_length=11, max_length=11)


class CaseSubmitIn(Schema):
    title: RequiredText = Field(..., title="标题", description="诉求标题", min_length=1, max_length=100)
    content: RequiredText = Field(..., title="诉求内容", description="诉求的具体内容", min_length=1, max_length=5000)
    requester_name: PlainText = Field(
        "", title="诉求人姓名", description="诉求人姓名;登录的群众可不填(默认为账户姓名)", max_length=64
    )
    requester_mobile: Mobile = Field(
        "", title="联系电话", description="诉求人手机号;未登录提交时必填,并须填写短信验证码", max_length=11
    )
    requester_email: Email = Field("", title="电子邮箱", description="用于接收办理进度(可选)", max_length=254)
    otp_code: str = Field(
        "", title="短信验证码", description="未登录提交时必填:先调用 POST /api/cases/otp 获取", max_length=8
    )
    service_id: int | None = Field(None, title="服务事项", description="所选服务事项编号(可不选,只描述事项)")
    category_code: str | None = Field(None, title="服务类别", description="服务类别代码,如 union.legal", max_length=40)
    organization_id: int | None = Field(None, title="受理组织", description="希望受理的组织编号(未选服务事项时)")
    community_id: int | None = Field(None, title="所在社区", description="诉求所在社区(行政区域编号)")
    address: PlainText = Field("", title="地点", description="诉求发生地点", max_length=200)
    is_urgent: bool = Field(False, title="紧急", description="是否紧急(紧急诉求 2 小时内首次联系)")
    channel: ChannelCode = Field(
        "web", title="渠道", description="web/mobile/wechat 为群众自助提交;phone(电话)、walk_in(现场)仅限工作人员登记"
    )
    idempotency_key: str = Field(
        "", title="幂等键", description="重复提交时使用相同的键只会生成一件诉求;也可放在 Idempotency-Key 请求头",
        max_length=64,
    )
    received_org_id: int | None = Field(None, title="首问单位", description="工作人员登记时:本人所在的首问单位")
    workstation_id: int | None = Field(None, title="受理工作站", description="工作人员登记时:受理的群团工作站")
    missing_materials: PlainText = Field(
        "", title="需补充材料", description="工作人员登记时:一次性告知群众尚需补充的材料", max_length=2000
    )
    suggested_code: str | None = Field(
        None, title="首选分派建议", max_length=40,
        description="工作人员登记时:界面展示的首选分派建议(类别代码,来自 POST /api/routing/suggest)。"
                    "与登记的类别相同记为“采纳建议”,不同记为“改选”,均作为分派训练数据",
    )


class ReasonIn(Schema):
    reason: RequiredText = Field(..., title="理由", description="理由(必填)", min_length=1, max_length=1000)


class TransferIn(ReasonIn):
    to_org_id: int = Field(..., title="转办单位", description="接收转办的组织编号")
    category: str | None = Field(None, title="更正类别", max_length=40,
                                 description="服务类别编码(可选);与原类别不同时更正诉求类别,并记为分派训练数据")


class NoteIn(Schema):
    note: PlainText = Field("", title="说明", description="说明(可选)", max_length=2000)


class MergeIn(Schema):
    into: str = Field(..., title="原诉求", description="把本诉求并入的原诉求的受理编号", min_length=1, max_length=24)
    note: PlainText = Field("", title="说明", description="说明(可选)", max_length=500)


class DuplicateOut(Schema):
    tracking_no: str = Field(..., description="受理编号")
    title: str = Field(..., description="标题")
    status: str = Field(..., description="状态代码")
    received_at: datetime = Field(..., description="受理时间")
    score: float = Field(..., description="相似度(0–1)")
    shared: list[str] = Field(..., description="共同线索:地点、单位、人物、问题")


class RequiredNoteIn(Schema):
    note: RequiredText = Field(..., title="说明", description="说明(必填)", min_length=1, max_length=2000)


class CohandlerIn(Schema):
    organization_id: int = Field(..., title="协办单位", description="协办组织编号")
    task: RequiredText = Field(..., title="协办事项", description="请协办单位完成的事项", min_length=1, max_length=1000)
    days: int = Field(..., title="协办时限", description="协办时限(工作日)", ge=1, le=60)


class CohandlingReplyIn(Schema):
    reply: RequiredText = Field(..., title="协办答复", description="协办单位的答复", min_length=1, max_length=5000)


class MaterialRequestIn(Schema):
    materials: RequiredText = Field(
        ..., title="需补充材料", description="一次性告知群众需补充的全部材料", min_length=1, max_length=2000
    )


class ExtensionIn(Schema):
    days: int = Field(..., title="延期天数", description="申请延期的工作日数", ge=1, le=60)
    reason: RequiredText = Field(..., title="延期理由", description="延期理由", min_length=1, max_length=1000)


class ExtensionDecisionIn(Schema):
    approve: bool = Field(..., title="是否批准", description="true 批准,false 驳回")
    note: PlainText = Field("", title="审批意见", description="审批意见(可选)", max_length=1000)


class TransferOutIn(Schema):
    department: RequiredText = Field(
        ..., title="政府部门", description="转出的政府部门名称", min_length=1, max_length=100
    )
    note: RequiredText = Field(..., title="转出说明", description="告知群众的说明", min_length=1, max_length=2000)


class ReplyIn(Schema):
    result: RequiredText = Field(..., title="办理结果", description="答复群众的办理结果", min_length=1, max_length=5000)


class RateIn(Schema):
    solved: bool = Field(..., title="问题已解决", description="问题是否已解决")
    level: RatingLevel = Field(
        ..., title="满意度", description="satisfied 满意,basic 基本满意,dissatisfied 不满意(不满意将重办一次)"
    )
    comment: PlainText = Field("", title="评价内容", description="评价内容(可选)", max_length=1000)


class FollowUpIn(Schema):
    outcome: FollowUpOutcome = Field(
        ..., title="回访结果", description="satisfied 满意,basic 基本满意,dissatisfied 不满意,unreachable 无法联系"
    )
    solved: bool | None = Field(None, title="问题已解决", description="问题是否已解决(无法联系时可不填)")
    note: PlainText = Field("", title="回访记录", description="回访记录", max_length=2000)


class LookupIn(Schema):
    tracking_no: str = Field(..., title="受理编号", description="受理编号,如 QT-20261122-000123", min_length=1, max_length=24)
    mobile_last4: str = Field(
        ..., title="手机号后四位", description="提交诉求时所留手机号的后四位", pattern=r"^\d{4}$"
    )


# --- output ----------------------------------------------------------------------------------


class OtpSentOut(Schema):
    message: str = Field(..., description="提示")


class ReceiptOut(Schema):
    tracking_no: str = Field(..., description="受理编号")
    status: str = Field(..., description="状态代码")
    status_label: str = Field(..., description="状态")
    received_at: datetime = Field(..., description="受理时间")
    first_inquirer: PersonRef = Field(..., description="首问责任人及联系方式")
    first_inquirer_org: Ref = Field(..., description="首问单位")
    first_contact_due_at: datetime = Field(..., description="首次联系时限")
    promised_date: date = Field(..., description="承诺办结日期(该工作日结束前)")
    missing_materials: list[str] = Field(..., description="尚需补充的材料(一次性告知)")
    deadline_provisional: bool = Field(
        ..., description="时限按暂定日历计算(该年度尚未录入国务院放假安排,日期可能调整)"
    )


class CaseListItemOut(Schema):
    tracking_no: str = Field(..., description="受理编号")
    title: str = Field(..., description="标题")
    status: str = Field(..., description="状态代码")
    status_label: str = Field(..., description="状态")
    channel: str = Field(..., description="渠道")
    is_urgent: bool = Field(..., description="紧急")
    handling_org: Ref = Field(..., description="承办单位")
    received_at: datetime = Field(..., description="受理时间")
    due_date: date = Field(..., description="办结时限")
    deadline_state: str = Field(..., description="时限状态:normal 正常,reminder 临近,yellow 到期,red 逾期,done 已结束")
    escalation_level: int = Field(..., description="督办级别:0 无,1 已提醒,2 黄牌,3 红牌")


class CaseListOut(Schema):
    items: list[CaseListItemOut] = Field(..., description="诉求列表(按办结时限排序)")
    count: int = Field(..., description="总数")


class AttachmentOut(Schema):
    id: int = Field(..., description="编号")
    name: str = Field(..., description="文件名")
    content_type: str = Field(..., description="文件类型")
    size: int = Field(..., description="大小(字节)")
    uploaded_at: datetime = Field(..., description="上传时间")


class CoHandlingOut(Schema):
    id: int = Field(..., description="编号")
    organization: Ref = Field(..., description="协办单位")
    task: str = Field(..., description="协办事项")
    due_date: date = Field(..., description="协办时限")
    status: str = Field(..., description="open 协办中,done 已答复")
    status_label: str = Field(..., description="状态")
    reply: str = Field(..., description="协办答复")
    replied_at: datetime | None = Field(None, description="答复时间")


class ExtensionOut(Schema):
    days: int = Field(..., description="延期工作日")
    reason: str = Field(..., description="理由")
    status: str = Field(..., description="pending 待审批,approved 已批准,rejected 已驳回")
    status_label: str = Field(..., description="状态")
    requested_at: datetime = Field(..., description="申请时间")
    decided_at: datetime | None = Field(None, description="审批时间")
    decision_note: str = Field("", description="审批意见")


class RatingOut(Schema):
    round: int = Field(..., description="办理轮次:0 首次办理,1 重办")
    solved: bool = Field(..., description="问题已解决")
    level: str = Field(..., description="满意度代码")
    level_label: str = Field(..., description="满意度")
    comment: str = Field(..., description="评价内容")
    rated_at: datetime = Field(..., description="评价时间")


class FollowUpOut(Schema):
    id: int = Field(..., description="编号")
    round: int = Field(..., description="办理轮次")
    due_date: date = Field(..., description="回访时限")
    status: str = Field(..., description="open 待回访,done 已回访")
    outcome: str = Field(..., description="回访结果代码")
    solved: bool | None = Field(None, description="问题已解决")
    note: str = Field(..., description="回访记录")
    done_at: datetime | None = Field(None, description="回访时间")


class ActionsOut(Schema):
    handle: bool = Field(..., description="可办理(签收、答复、补件、延期申请、协办、转政府部门、备注)")
    transfer: bool = Field(..., description="可转办")
    accept_transfer: bool = Field(..., description="可接收或退回转办")
    confirm_informed: bool = Field(..., description="可确认已告知群众(首问责任人)")
    decide_extension: bool = Field(..., description="可审批延期(承办单位负责人)")
    rate: bool = Field(..., description="可评价")
    reveal_personal_data: bool = Field(..., description="可查看诉求人完整个人信息(查看将记入审计日志)")


class CaseOut(CaseListItemOut):
    content: str = Field(..., description="诉求内容")
    address: str = Field(..., description="地点")
    requester_name: str = Field(..., description="诉求人(工作人员看到的是脱敏姓名)")
    requester_mobile: str = Field(..., description="联系电话(工作人员看到的是脱敏号码)")
    personal_data_masked: bool = Field(
        ..., description="姓名和电话是否已脱敏;有权的工作人员可调用 POST /api/cases/{tracking_no}/personal-data 查看完整信息"
    )
    service: Ref | None = Field(None, description="服务事项")
    category: CategoryRef | None = Field(None, description="服务类别")
    time_limit_class: str = Field(..., description="时限类别:immediate 即办,consult 咨询,help 求助,complaint 投诉维权")
    first_inquirer: PersonRef = Field(..., description="首问责任人")
    first_inquirer_org: Ref = Field(..., description="首问单位")
    handler: PersonRef | None = Field(None, description="承办人")
    transfer_to_org: Ref | None = Field(None, description="转办待接收的单位")
    transferred_department: str = Field(..., description="转出的政府部门")
    missing_materials: list[str] = Field(..., description="需补充材料(一次性告知)")
    first_contact_due_at: datetime = Field(..., description="首次联系时限")
    contacted_at: datetime | None = Field(None, description="首次联系时间")
    clock_start: date = Field(..., description="时限起算日")
    deadline_provisional: bool = Field(..., description="时限按暂定日历计算")
    extended: bool = Field(..., description="已延期")
    requester_informed_at: datetime | None = Field(None, description="首问责任人确认已告知群众的时间")
    result: str = Field(..., description="办理结果")
    closed_at: datetime | None = Field(None, description="办结时间")
    reopen_count: int = Field(..., description="重办次数")
    merged_into: str | None = Field(None, description="已并入的原诉求的受理编号(重复反映并入后)")
    merged_cases: list[str] = Field(..., description="已并入本诉求的重复反映的受理编号(仅工作人员可见)")
    attachments: list[AttachmentOut] = Field(..., description="附件")
    ratings: list[RatingOut] = Field(..., description="评价")
    cohandlings: list[CoHandlingOut] = Field(..., description="协办(仅工作人员可见)")
    extension: ExtensionOut | None = Field(None, description="延期申请(仅工作人员可见)")
    followups: list[FollowUpOut] = Field(..., description="回访(仅工作人员可见)")
    actions: ActionsOut = Field(..., description="当前用户可执行的操作")


class PersonalDataOut(Schema):
    requester_name: str = Field(..., description="诉求人姓名")
    requester_mobile: str = Field(..., description="手机号")
    requester_email: str = Field(..., description="电子邮箱")
    address: str = Field(..., description="地点")


class SubmitOut(Schema):
    receipt: ReceiptOut = Field(..., description="受理回执")
    case: CaseOut | None = Field(None, description="诉求详情(登录提交时返回)")


class EventOut(Schema):
    id: int = Field(..., description="编号")
    kind: str = Field(..., description="事件类型代码")
    kind_label: str = Field(..., description="事件类型")
    at: datetime = Field(..., description="时间")
    actor: str = Field("", description="操作人")
    organization: str = Field("", description="单位")
    target_org: str = Field("", description="对象单位")
    note: str = Field("", description="说明")
    internal: bool = Field(False, description="仅内部可见(群众看不到)")


class PublicEventOut(Schema):
    kind: str = Field(..., description="事件类型代码")
    kind_label: str = Field(..., description="事件类型")
    at: datetime = Field(..., description="时间")


class PublicCaseOut(Schema):
    tracking_no: str = Field(..., description="受理编号")
    title: str = Field(..., description="标题")
    status: str = Field(..., description="状态代码")
    status_label: str = Field(..., description="状态")
    handling_org: str = Field(..., description="承办单位")
    received_at: datetime = Field(..., description="受理时间")
    due_date: date = Field(..., description="办结时限")
    closed_at: datetime | None = Field(None, description="办结时间")
    events: list[PublicEventOut] = Field(..., description="办理进度")


class ThreeRatesOut(Schema):
    organization: Ref = Field(..., description="组织")
    start: date = Field(..., description="起始日期")
    end: date = Field(..., description="截止日期")
    response_rate: float | None = Field(
        None, description="响应率(0–1):期内首问受理的诉求中,在首次联系时限内响应的比例;无受理时为空"
    )
    resolution_rate: float | None = Field(None, description="解决率(0–1):期内评价中认为问题已解决的比例;无评价时为空")
    satisfaction_rate: float | None = Field(None, description="满意率(0–1):期内评价中满意和基本满意的比例;无评价时为空")
    score: float | None = Field(None, description="三率综合得分(0–100),按区设置的权重加权(默认 30/35/35)")
    weights: dict[str, int] = Field(..., description="三率权重")
    counts: dict[str, int] = Field(
        ..., description="计算所用的件数:received 受理,contacted_in_time 按时响应,rated 评价,solved 已解决,"
        "satisfied 满意,basic 基本满意,dissatisfied 不满意"
    )

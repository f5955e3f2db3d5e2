"""诉求 (cases): intake, first-inquiry ownership, transfer, co-handling, deadlines, rating.

Every state change goes through a function in ``services.py`` and writes a ``CaseEvent`` in the
same transaction. Overdue status is derived from the deadlines (``queries.py``), never stored.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quntuan.catalog.models import TimeLimitClass
from quntuan.core.models import TimeStampedModel


class Channel(models.TextChoices):
    WEB = "web", _("网站")
    MOBILE = "mobile", _("手机")
    WECHAT = "wechat", _("微信")
    PHONE = "phone", _("电话")
    WALK_IN = "walk_in", _("现场")


class CaseStatus(models.TextChoices):
    PENDING = "pending", _("待签收")
    TRANSFERRING = "transferring", _("转办待接收")
    IN_PROGRESS = "in_progress", _("办理中")
    AWAITING_MATERIAL = "awaiting_material", _("待补充材料")
    CLOSED = "closed", _("已办结")
    TRANSFERRED_OUT = "transferred_out", _("已转政府部门")
    # A repeat report of another case's matter: it follows that case (``merged_into``) and is
    # left out of every count (services/merge.py).
    MERGED = "merged", _("已并入")


OPEN_STATUSES = (
    CaseStatus.PENDING,
    CaseStatus.TRANSFERRING,
    CaseStatus.IN_PROGRESS,
    CaseStatus.AWAITING_MATERIAL,
)


class EscalationLevel(models.IntegerChoices):
    NONE = 0, _("无")
    REMINDED = 1, _("已提醒")
    YELLOW = 2, _("黄牌督办")
    RED = 3, _("红牌督办")


class Case(TimeStampedModel):
    # Unique through Meta.constraints (one index, no varchar_pattern_ops twin: lookups are by equality).
    tracking_no = models.CharField("受理编号", max_length=24)
    # FK columns whose own index a composite index in Meta already leads with: db_index=False.
    district = models.ForeignKey(
        "organizations.Region", verbose_name="所属区", on_delete=models.PROTECT, related_name="cases",
        db_index=False,
    )
    community = models.ForeignKey(
        "organizations.Region", verbose_name="社区", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    workstation = models.ForeignKey(
        "organizations.Workstation", verbose_name="受理工作站", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="cases",
    )
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices, default=Channel.WEB)

    # Requester
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="诉求人账户", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="cases", db_index=False,
    )
    requester_name = models.CharField("诉求人", max_length=64)
    requester_mobile = models.CharField("联系电话", max_length=11)
    requester_email = models.EmailField("电子邮箱", blank=True)

    # Matter
    service = models.ForeignKey(
        "catalog.Service", verbose_name="服务事项", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    category = models.ForeignKey(
        "catalog.Category", verbose_name="类别", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    title = models.CharField("标题", max_length=100)
    content = models.TextField("诉求内容")
    address = models.CharField("地点", max_length=200, blank=True)
    is_urgent = models.BooleanField("紧急", default=False)
    time_limit_class = models.CharField(
        "时限类别", max_length=12, choices=TimeLimitClass.choices, default=TimeLimitClass.HELP
    )
    missing_materials = models.TextField("需补充材料(一次性告知)", blank=True)

    # Ownership
    first_inquirer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="首问责任人", on_delete=models.PROTECT, related_name="first_inquiries",
        db_index=False,
    )
    first_inquirer_org = models.ForeignKey(
        "organizations.Organization", verbose_name="首问单位", on_delete=models.PROTECT, related_name="first_inquiries",
        db_index=False,
    )
    handling_org = models.ForeignKey(
        "organizations.Organization", verbose_name="承办单位", on_delete=models.PROTECT, related_name="handled_cases",
        db_index=False,
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="承办人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="handled_cases",
    )
    transfer_to_org = models.ForeignKey(
        "organizations.Organization", verbose_name="转办至", null=True, blank=True,
        on_delete=models.PROTECT, related_name="incoming_transfers", db_index=False,
    )
    transfer_reason = models.TextField("转办理由", blank=True)
    transferred_department = models.CharField("转出政府部门", max_length=100, blank=True)
    requester_informed_at = models.DateTimeField("首问人确认已告知", null=True, blank=True)

    # State and clock
    status = models.CharField("状态", max_length=20, choices=CaseStatus.choices, default=CaseStatus.PENDING)
    received_at = models.DateTimeField("受理时间", default=timezone.now)
    clock_start = models.DateField("时限起算日", help_text="受理日;补充材料后重新起算")
    first_contact_due_at = models.DateTimeField("首次联系时限")
    contacted_at = models.DateTimeField("首次联系时间", null=True, blank=True)
    due_date = models.DateField("办结时限", help_text="该工作日结束前办结")
    remind_on = models.DateField("提醒日", help_text="时限过去 75% 的工作日")
    red_flag_after = models.DateField("红牌起算日", help_text="此日结束仍未办结则红牌督办(逾期一个工作日)")
    deadline_provisional = models.BooleanField(
        "时限按暂定日历计算", default=False, help_text="该年度尚未录入国务院放假安排"
    )
    extended = models.BooleanField("已延期", default=False)
    escalation_level = models.PositiveSmallIntegerField(
        "督办级别", choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )
    result = models.TextField("办理结果", blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField("重办次数", default=0)
    merged_into = models.ForeignKey(
        "self", verbose_name="并入", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_cases"
    )

    # The duplicate check's clues of the matter ({"v": extraction version, "s": specific, "g":
    # general}; routing.services.clues_to_store), computed once at intake. NULL (cases stored before
    # the column) or an older version is recomputed when the case is next a candidate, or in
    # batches by ``manage.py case_clues``.
    clues = models.JSONField("重复检测线索", null=True, blank=True, editable=False)

    # NULL for submissions without a key (unique among the rest: Meta.constraints).
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001

    class Meta:
        verbose_name = "诉求"
        verbose_name_plural = "诉求"
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["handling_org", "status", "due_date"], name="case_org_queue"),
            models.Index(fields=["first_inquirer", "status"], name="case_first_inquirer"),
            models.Index(fields=["status", "due_date"], name="case_status_due"),
            models.Index(fields=["requester", "-received_at"], name="case_requester"),
            models.Index(fields=["district", "received_at"], name="case_district_time"),
            # Duplicate check at intake: a community's recent cases, newest first.
            models.Index(fields=["community", "-received_at"], name="case_community_recent"),
            # ... and the community's open cases older than the window (few: a partial index).
            models.Index(fields=["community", "-received_at"], name="case_community_open",
                         condition=Q(status__in=["pending", "transferring", "in_progress", "awaiting_material"])),
            # ... or, for a case without a community, the same address in the district.
            models.Index(fields=["district", "address", "-received_at"], name="case_district_address"),
            # a requester's own recent cases (duplicate check at intake: the same person again)
            models.Index(fields=["district", "requester_mobile", "-received_at"], name="case_district_mobile"),
            models.Index(fields=["transfer_to_org", "status"], name="case_transfer_to"),
            # 三率: an organization's cases received in a period, with what the response rate needs
            # (status: merged repeat reports are not counted).
            models.Index(fields=["first_inquirer_org", "received_at"], name="case_fi_org_received_st",
                         include=["contacted_at", "first_contact_due_at", "status"]),
            # The escalation sweep: each level only looks at the cases still below it, so these
            # partial indexes stay small however many cases there are.
            models.Index(fields=["remind_on"], name="case_sweep_remind",
                         condition=Q(status__in=["pending", "transferring", "in_progress"], escalation_level__lt=1)),
            models.Index(fields=["due_date"], name="case_sweep_yellow",
                         condition=Q(status__in=["pending", "transferring", "in_progress"], escalation_level__lt=2)),
            models.Index(fields=["red_flag_after"], name="case_sweep_red",
                         condition=Q(status__in=["pending", "transferring", "in_progress"], escalation_level__lt=3)),
            # Follow-ups: closed cases by closure time.
            models.Index(fields=["closed_at"], name="case_closed_at", condition=Q(status="closed")),
            # Work queues sorted by due date: an organization's open cases, incoming transfers.
            models.Index(fields=["handling_org", "due_date", "first_contact_due_at", "id"], name="case_org_open_due",
                         condition=Q(status__in=["pending", "transferring", "in_progress", "awaiting_material"])),
            models.Index(fields=["transfer_to_org", "due_date"], name="case_transfer_in_due",
                         condition=Q(status="transferring")),
            # The search index's periodic refresh reads the cases changed since its last run.
            models.Index(fields=["updated_at"], name="case_updated_at"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tracking_no"], name="case_tracking_no_unique"),
            models.UniqueConstraint(fields=["idempotency_key"], name="case_idempotency_key_unique"),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.TRANSFERRING) | Q(transfer_to_org__isnull=False),
                name="case_transferring_has_target",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[CaseStatus.CLOSED, CaseStatus.TRANSFERRED_OUT]) | Q(closed_at__isnull=False),
                name="case_closed_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.tracking_no} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseFollower(models.Model):
    """Someone kept informed of a case they did not file: the requester of a repeat report that
    was merged into it. They get the case's progress and reply notifications."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="followers")
    via_case = models.OneToOneField(
        Case, verbose_name="并入的诉求", on_delete=models.CASCADE, related_name="following",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="账户", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField("姓名", max_length=64)
    mobile = models.CharField("联系电话", max_length=11)
    email = models.EmailField("电子邮箱", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "关注人"
        verbose_name_plural = "关注人"

    def __str__(self):
        return f"{self.case_id} 关注 {self.via_case_id}"


class CaseEvent(models.Model):
    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("提交诉求")
        RECEIVED = "received", _("受理登记")
        RECEIPT_SENT = "receipt_sent", _("出具回执")
        CONTACTED = "contacted", _("签收并联系")
        ACCEPTED = "accepted", _("签收")
        TRANSFER_REQUESTED = "transfer_requested", _("转办")
        TRANSFER_ACCEPTED = "transfer_accepted", _("接收转办")
        TRANSFER_RETURNED = "transfer_returned", _("退回转办")
        REQUESTER_INFORMED = "requester_informed", _("首问人确认已告知")
        COHANDLER_ADDED = "cohandler_added", _("增加协办单位")
        COHANDLER_REPLIED = "cohandler_replied", _("协办答复")
        MATERIAL_REQUESTED = "material_requested", _("一次性告知补充材料")
        MATERIAL_SUPPLIED = "material_supplied", _("补充材料")
        EXTENSION_REQUESTED = "extension_requested", _("申请延期")
        EXTENSION_APPROVED = "extension_approved", _("批准延期")
        EXTENSION_REJECTED = "extension_rejected", _("驳回延期")
        TRANSFERRED_OUT = "transferred_out", _("转政府部门")
        NOTE = "note", _("内部备注")
        REPLIED = "replied", _("答复")
        CLOSED = "closed", _("办结")
        RATED = "rated", _("评价")
        REOPENED = "reopened", _("重办")
        FOLLOWUP_OPENED = "followup_opened", _("生成回访")
        FOLLOWUP_DONE = "followup_done", _("完成回访")
        REMINDED = "reminded", _("时限提醒")
        YELLOW_FLAG = "yellow_flag", _("黄牌督办")
        RED_FLAG = "red_flag", _("红牌督办")
        MERGED = "merged", _("合并")
        ATTACHMENT_ADDED = "attachment_added", _("上传附件")
        PERSONAL_DATA_VIEWED = "personal_data_viewed", _("查看个人信息")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("类型", max_length=24, choices=Kind.choices)
    at = models.DateTimeField("时间", default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name="单位", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    target_org = models.ForeignKey(
        "organizations.Organization", verbose_name="对象单位", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    note = models.TextField("说明", blank=True)
    internal = models.BooleanField("仅内部可见", default=False)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "诉求事件"
        verbose_name_plural = "诉求事件"
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["case", "at"], name="caseevent_case_at"),
            models.Index(fields=["kind", "at"], name="caseevent_kind_at"),
            # 三率: an organization's events of one kind in a period, the case ids read from the index.
            models.Index(fields=["organization", "kind", "at"], name="caseevent_org_kind_at_case", include=["case"]),
        ]

    def __str__(self):
        return f"{self.case_id} {self.kind}"


class CoHandling(models.Model):
    """协办: another organization works on part of the case with its own sub-deadline."""

    class Status(models.TextChoices):
        OPEN = "open", _("协办中")
        DONE = "done", _("已答复")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="cohandlings")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="cohandlings")
    task = models.TextField("协办事项")
    due_date = models.DateField("协办时限")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    reply = models.TextField("协办答复", blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "协办"
        verbose_name_plural = "协办"
        constraints = [models.UniqueConstraint(fields=["case", "organization"], name="cohandling_unique")]

    def __str__(self):
        return f"{self.case_id} 协办 {self.organization_id}"


class ExtensionRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="extension")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    days = models.PositiveSmallIntegerField("延期工作日")
    reason = models.TextField("理由")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        constraints = [models.CheckConstraint(condition=Q(days__gte=1), name="extension_days_positive")]

    def __str__(self):
        return f"{self.case_id} 延期 {self.days} 个工作日"


class Rating(models.Model):
    class Level(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        DISSATISFIED = "dissatisfied", _("不满意")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="ratings")
    round = models.PositiveSmallIntegerField("办理轮次", default=0, help_text="0 首次办理,1 重办")
    solved = models.BooleanField("问题已解决")
    level = models.CharField("满意度", max_length=14, choices=Level.choices)
    comment = models.TextField("评价内容", blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "评价"
        verbose_name_plural = "评价"
        constraints = [models.UniqueConstraint(fields=["case", "round"], name="rating_once_per_round")]
        # 三率 reads a case's ratings from the index alone.
        indexes = [models.Index(fields=["case"], name="rating_case_cover", include=["rated_at", "solved", "level"])]

    def __str__(self):
        return f"{self.case_id} 第{self.round}轮 {self.get_level_display()}"


class FollowUp(models.Model):
    """回访: opened when the requester has not rated within the follow-up days after closure."""

    class Status(models.TextChoices):
        OPEN = "open", _("待回访")
        DONE = "done", _("已回访")

    class Outcome(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        DISSATISFIED = "dissatisfied", _("不满意")
        UNREACHABLE = "unreachable", _("无法联系")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="followups")
    round = models.PositiveSmallIntegerField(default=0)
    due_date = models.DateField("回访时限")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField("回访结果", max_length=14, choices=Outcome.choices, blank=True)
    solved = models.BooleanField("问题已解决", null=True, blank=True)
    note = models.TextField("回访记录", blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "回访"
        verbose_name_plural = "回访"
        constraints = [models.UniqueConstraint(fields=["case", "round"], name="followup_once_per_round")]
        indexes = [models.Index(fields=["case"], name="followup_open_case", condition=Q(status="open"))]

    def __str__(self):
        return f"{self.case_id} 回访 {self.due_date}"


def attachment_path(instance, filename):
    return f"cases/{instance.case.received_at:%Y/%m}/{instance.case.tracking_no}/{filename}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def __str__(self):
        return self.original_name


class TrackingSequence(models.Model):
    """One row per day for QT-YYYYMMDD-NNNNNN. SQLite: ``last`` is the day's counter (no gaps).
    PostgreSQL: ``last`` is the base of the sequence cases_tracking_no_seq for that day, and the
    number is nextval - base (no lock held until commit; a rolled-back submission leaves a gap).
    See services/intake.py."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.day} {self.last}"

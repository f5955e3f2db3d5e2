from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("群众")
    STAFF = "staff", _("工作人员")
    ORG_LEADER = "org_leader", _("组织负责人")
    SUPERVISOR = "supervisor", _("区督查人员")
    SOCIAL_ORG = "social_org", _("社会组织")
    PLATFORM_ADMIN = "platform_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDITOR = "auditor", _("审计管理员")


STAFF_ROLES = {Role.STAFF, Role.ORG_LEADER, Role.SUPERVISOR, Role.SOCIAL_ORG,
               Role.PLATFORM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, *, password=None, **fields):
        if not fields.get("username") and not fields.get("mobile"):
            raise ValueError("A user needs a username or a mobile number.")
        fields.setdefault("username", None)
        fields.setdefault("mobile", None)
        user = self.model(**fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username, password=None, **fields):
        fields.setdefault("role", Role.PLATFORM_ADMIN)
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(username=username, password=password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Residents log in by mobile number, staff by username; both with a password."""

    username = models.CharField("用户名", max_length=64, unique=True, null=True, blank=True)
    mobile = models.CharField("手机号", max_length=11, unique=True, null=True, blank=True)
    name = models.CharField("姓名", max_length=64, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.RESIDENT)
    # The region a supervisor, auditor or administrator looks after (a district, or a city to see
    # all its districts). Residents and organization staff have their district here too.
    region = models.ForeignKey(
        "organizations.Region", verbose_name="所属区域", null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
    )
    community = models.ForeignKey(
        "organizations.Region", verbose_name="所在社区", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    is_active = models.BooleanField("有效", default=True)
    is_staff = models.BooleanField("可进入管理后台", default=False)
    date_joined = models.DateTimeField("注册时间", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                condition=Q(username__isnull=False) | Q(mobile__isnull=False),
                name="user_has_login",
            ),
        ]

    def __str__(self):
        return self.name or self.username or self.mobile or f"用户{self.pk}"

    @property
    def is_resident(self) -> bool:
        return self.role == Role.RESIDENT

    @property
    def is_staff_member(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def login_name(self) -> str:
        return self.username or self.mobile or ""


class LoginFailure(models.Model):
    """Failed logins counted per account and per address; 5 within the window lock for 30 minutes."""

    class Scope(models.TextChoices):
        ACCOUNT = "account", _("账户")
        ADDRESS = "address", _("地址")

    scope = models.CharField(max_length=10, choices=Scope.choices)
    key = models.CharField(max_length=128)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "登录失败记录"
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="loginfailure_scope_key")]

    def __str__(self):
        return f"{self.get_scope_display()} {self.key}: {self.failures}"


class AuditRecord(models.Model):
    """Who did what, when, to which object, with what result. Append-only: never edited."""

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField("操作", max_length=64)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象", max_length=64, blank=True)
    result = models.CharField("结果", max_length=32, default="ok")
    address = models.GenericIPAddressField("地址", null=True, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id} {self.result}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit records cannot be deleted.")

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, ReadOnlyPasswordHashField

from quntuan.accounts.decorators import staff_access_problem, staff_denied_response
from quntuan.accounts.models import AuditRecord, LoginFailure, User
from quntuan.core.admin import ReadOnlyAdmin
from quntuan.organizations.models import Membership


class UserCreationForm(forms.ModelForm):
    password1 = forms.CharField(label="密码", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="确认密码", widget=forms.PasswordInput, strip=False)

    class Meta:
        model = User
        fields = ("username", "mobile", "name", "role", "region")

    def clean(self):
        data = super().clean()
        if not data.get("username") and not data.get("mobile"):
            raise forms.ValidationError("用户名和手机号至少填写一项。")
        if data.get("password1") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致。")
        return data

    def clean_username(self):
        return self.cleaned_data.get("username") or None

    def clean_mobile(self):
        return self.cleaned_data.get("mobile") or None

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


class UserChangeForm(forms.ModelForm):
    password = ReadOnlyPasswordHashField(label="密码")

    class Meta:
        model = User
        fields = ("username", "mobile", "password", "name", "email", "region", "community", "role",
                  "is_active", "is_staff", "is_superuser", "groups", "user_permissions", "last_login",
                  "date_joined")

    def clean_username(self):
        return self.cleaned_data.get("username") or None

    def clean_mobile(self):
        return self.cleaned_data.get("mobile") or None


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields: list[str] = []
    raw_id_fields = ("organization", "workstation")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    list_display = ("login_name", "name", "role", "region", "is_active", "date_joined")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "mobile", "name", "email")
    ordering = ("-date_joined",)
    raw_id_fields = ("region", "community")
    inlines = [MembershipInline]
    filter_horizontal = ("groups", "user_permissions")
    fieldsets = (
        (None, {"fields": ("username", "mobile", "password")}),
        ("个人信息", {"fields": ("name", "email", "region", "community")}),
        ("角色与权限", {"fields": ("role", "is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("时间", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "mobile", "name", "role", "region",
                                                  "password1", "password2")}),
    )


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    """Read-only: audit records are appended by the platform and never changed."""

    list_display = ("at", "actor", "action", "object_type", "object_id", "result", "address")
    list_filter = ("action", "result", "object_type")
    search_fields = ("object_id", "actor__username", "actor__mobile")
    date_hierarchy = "at"


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """Security administrators may delete a row to unlock an account or address early."""

    list_display = ("scope", "key", "failures", "last_failure_at", "locked_until")
    list_filter = ("scope",)
    search_fields = ("key",)
    readonly_fields = ("scope", "key", "failures", "last_failure_at", "locked_until")

    def has_add_permission(self, request):
        return False


# --- the admin site follows the staff pages' two-factor rule -----------------------------------

OTP_PROBLEMS = {"otp_verify", "otp_setup"}


def guard_admin_site(site: admin.AdminSite) -> None:
    """A staff member who must verify (or set up) a second factor is sent there before the admin."""
    original_has_permission = site.has_permission
    original_login = site.login

    def has_permission(request):
        return original_has_permission(request) and staff_access_problem(request) not in OTP_PROBLEMS

    def login(request, extra_context=None):
        problem = staff_access_problem(request)
        if request.user.is_authenticated and problem in OTP_PROBLEMS:
            return staff_denied_response(request, problem)
        return original_login(request, extra_context)

    site.has_permission = has_permission
    site.login = login


guard_admin_site(admin.site)

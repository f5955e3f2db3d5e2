import re

from django.core.exceptions import ValidationError


class ComplexityValidator:
    """At least three of: lower-case letters, upper-case letters, digits, symbols."""

    def validate(self, password, user=None):
        classes = [r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"]
        if sum(bool(re.search(c, password)) for c in classes) < 3:
            raise ValidationError(
                "密码须包含大写字母、小写字母、数字、符号中的至少三类。", code="password_too_simple"
            )

    def get_help_text(self):
        return "密码至少 8 位,须包含大写字母、小写字母、数字、符号中的至少三类。"


class MinimumLengthValidator:
    """Django's length rule with its message in Chinese (Django's zh-hans catalogue lacks it)."""

    def __init__(self, min_length: int = 8):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                f"密码太短,至少需要 {self.min_length} 个字符。", code="password_too_short",
                params={"min_length": self.min_length},
            )

    def get_help_text(self):
        return f"密码至少 {self.min_length} 位。"

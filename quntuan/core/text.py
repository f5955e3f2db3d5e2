"""Text helpers: masking personal data and normalising user input."""

import re

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def is_valid_mobile(value: str) -> bool:
    return bool(MOBILE_RE.match(value or ""))


def mask_mobile(value: str) -> str:
    if not value or len(value) < 7:
        return value or ""
    return f"{value[:3]}****{value[-4:]}"


def mask_name(value: str) -> str:
    if not value:
        return ""
    return value[0] + "*" * max(1, len(value) - 1)

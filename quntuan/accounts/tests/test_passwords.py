import pytest
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError

from quntuan.accounts.models import AuditRecord
from quntuan.core.testing import PASSWORD, make_resident

TOO_SIMPLE = "密码须包含大写字母、小写字母、数字、符号中的至少三类。"
TOO_COMMON = "这个密码太常见了。"
TOO_SHORT = "密码太短,至少需要 8 个字符。"


@pytest.mark.parametrize("password", ["Qxwvzkm1", "qxwvzkm1!", "QXWVZKM1!", "Qxwvzkm!", "Zh@ng2026x", PASSWORD])
def test_passwords_with_three_character_classes_pass(password):
    validate_password(password)


@pytest.mark.parametrize(("password", "messages"), [
    ("qxwvzkmpt", [TOO_SIMPLE]),
    ("qxwvzkm12", [TOO_SIMPLE]),
    ("QXWVZKM!!", [TOO_SIMPLE]),
    ("Qx1!", [TOO_SHORT]),
    ("qx1", [TOO_SHORT, TOO_SIMPLE]),
    ("Password1", [TOO_COMMON]),
    ("abcdefgh", [TOO_COMMON, TOO_SIMPLE]),
])
def test_weak_passwords_are_refused_with_chinese_reasons(password, messages):
    with pytest.raises(ValidationError) as exc:
        validate_password(password)
    assert exc.value.messages == messages


def test_help_texts_are_chinese():
    assert password_validators_help_texts() == [
        "密码至少 8 位。",
        "你的密码不能是一个常见密码。",
        "密码至少 8 位,须包含大写字母、小写字母、数字、符号中的至少三类。",
    ]


@pytest.mark.django_db
def test_password_change_page_applies_the_rules(client):
    user = make_resident()
    client.force_login(user)
    response = client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": "qxwvzkmpt", "new_password2": "qxwvzkmpt",
    })
    assert response.status_code == 400
    assert TOO_SIMPLE in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)

    response = client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": "New-Pass-2027", "new_password2": "New-Pass-2027",
    })
    assert response.status_code == 302
    assert response["Location"] == "/"
    user.refresh_from_db()
    assert user.check_password("New-Pass-2027")
    assert "_auth_user_id" in client.session  # still logged in after the change
    assert AuditRecord.objects.filter(action="password_change", actor=user).count() == 1


@pytest.mark.django_db
def test_password_change_needs_login(client):
    assert client.get("/accounts/password/")["Location"] == "/accounts/login/?next=/accounts/password/"

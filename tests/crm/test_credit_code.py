import pytest
from django.core.exceptions import ValidationError

from crm.models import Enterprise
from crm.validators import validate_credit_code

# Real codes published on public business registers (check characters computed per GB 32100-2015).
VALID = ["91110000600037341L", "91330106MA27XKFN2D", "91330100MA2AX12345"]


@pytest.mark.parametrize("code", VALID)
def test_valid_credit_codes_pass(code):
    validate_credit_code(code)


def test_wrong_check_character_names_the_expected_one():
    with pytest.raises(ValidationError) as err:
        validate_credit_code("91110000600037341A")
    assert err.value.messages == ["统一社会信用代码校验位不正确（最后一位应为 L），请核对。"]


def test_wrong_length_says_how_long_it_is():
    with pytest.raises(ValidationError) as err:
        validate_credit_code("9111000060003734")
    assert err.value.messages == ["统一社会信用代码应为 18 位，当前为 16 位。"]


@pytest.mark.parametrize("code", ["91110000600037341I", "9111000060003734OL", "ABCDEFGHIJKLMNOPQR"])
def test_forbidden_characters_are_refused(code):
    with pytest.raises(ValidationError):
        validate_credit_code(code)


@pytest.mark.django_db
def test_enterprise_with_bad_code_is_not_saved_through_full_clean():
    enterprise = Enterprise(name="杭州错误代码有限公司", credit_code="91110000600037341A")
    with pytest.raises(ValidationError) as err:
        enterprise.full_clean()
    assert "credit_code" in err.value.message_dict
    assert Enterprise.objects.count() == 0

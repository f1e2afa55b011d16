"""Personal data: a number is reported only when it really is one (checksums, dates, whole runs)."""

from __future__ import annotations

import datetime

import pytest

from govportal.textcheck import BLOCKING, PERSONAL_DATA, WARNING, Checker
from govportal.textcheck.personal import find_personal_data, id15_valid, id18_valid, luhn_valid

TODAY = datetime.date(2026, 11, 23)


def personal(text: str) -> list[tuple[str, str]]:
    return [(f.subkind, f.text) for f in find_personal_data(text, today=TODAY)]


# --- resident ID numbers (GB 11643-1999) ---------------------------------------------------------


def test_example_from_the_standard_with_x_check_digit_is_an_id():
    assert id18_valid("11010519491231002X")
    assert id18_valid("11010519491231002x")
    assert personal("申请人身份证号码：11010519491231002X。") == [("身份证号", "11010519491231002X")]


def test_id_ending_in_lowercase_x_in_a_text_is_an_id():
    assert personal("身份证号码：11010519491231002x") == [("身份证号", "11010519491231002x")]
    (f,) = find_personal_data("申请人张三（11010519491231002x）已受理。", today=TODAY)
    assert (f.severity, f.suggestion) == (BLOCKING, "1101**********002X")
    # a wrong check digit written as x is still not an ID, and a code glued to letters is not either
    assert personal("身份证号码：11010519491231003x") == []
    assert personal("编码11010519491231002xy") == []


def test_valid_id_is_blocking_and_masked():
    (f,) = find_personal_data("公示名单：张三 450702198506121231", today=TODAY)
    assert (f.kind, f.severity, f.subkind) == (PERSONAL_DATA, BLOCKING, "身份证号")
    assert f.suggestion == "4507**********1231"
    assert "GB 11643" in f.rule


def test_a_number_that_fails_its_checksum_is_not_an_id():
    assert not id18_valid("450702198506121232")
    assert personal("身份证号450702198506121232") == []


def test_id_with_impossible_date_is_not_an_id_even_with_right_check_digit():
    # 1999-02-30 does not exist; the check digit 9 is right for the first 17 digits
    assert not id18_valid("450702199902301239", today=TODAY)
    assert personal("号码450702199902301239") == []


def test_id_born_in_the_future_or_before_1900_is_not_an_id():
    assert not id18_valid("440524188001010014", today=TODAY)
    assert not id18_valid("510107200108154324", today=datetime.date(2001, 8, 14))
    assert id18_valid("510107200108154324", today=TODAY)


def test_id_with_unknown_province_code_is_not_an_id():
    assert not id18_valid("990702198506121231")


def test_fifteen_digit_old_id():
    assert id15_valid("450702850612123")
    assert not id15_valid("450702851312123")  # month 13
    assert personal("老身份证号450702850612123") == [("身份证号", "450702850612123")]


def test_fifteen_digit_registration_number_is_not_an_old_id():
    assert personal("营业执照注册号450702850612123") == []


def test_ids_embedded_in_longer_digit_runs_are_not_matched():
    assert personal("订单号2023450702198506121231") == []
    assert personal("流水号45070219850612123100") == []
    assert personal("编号A450702198506121231") == []


def test_full_width_digits_and_grouped_id():
    assert personal("身份证：４５０７０２１９８５０６１２１２３１") == [
        ("身份证号", "４５０７０２１９８５０６１２１２３１")
    ]
    assert personal("身份证 450702 19850612 1231 已核验") == [("身份证号", "450702 19850612 1231")]


def test_masked_id_is_not_reported():
    assert personal("身份证号4507**********1231") == []


# --- mobile numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,found",
    [
        ("联系电话：13812345678。", "13812345678"),
        ("手机138-1234-5678", "138-1234-5678"),
        ("手机 138 1234 5678 ", "138 1234 5678"),
        ("+86 13912345678", "+86 13912345678"),
        ("电话19912345678转", "19912345678"),
    ],
)
def test_mobile_numbers(text, found):
    (f,) = find_personal_data(text, today=TODAY)
    assert (f.subkind, f.text, f.severity) == ("手机号码", found, WARNING)
    assert f.suggestion.startswith(found.replace(" ", "").replace("-", "").replace("+86", "")[:3] + "****")


@pytest.mark.parametrize(
    "text",
    [
        "咨询电话：0777-2825123",
        "12345政务服务便民热线",
        "手机号码138****5678",
        "编号12812345678",  # 12x is not a mobile prefix
        "单号DD13812345678",
        "订单号138123456789",  # 12 digits
        "会议于2023年10月12日召开",
        "统计数据：2023-10-12",
    ],
)
def test_not_mobile_numbers(text):
    assert personal(text) == []


def test_two_numbers_separated_by_a_space_and_a_landline():
    found = personal("联系电话：0771-2825123，手机138-1234-5678 13987654321")
    assert found == [("手机号码", "138-1234-5678"), ("手机号码", "13987654321")]


# --- bank cards -------------------------------------------------------------------------------------


def test_luhn():
    assert luhn_valid("4111111111111111")
    assert luhn_valid("6222021234567890128")
    assert not luhn_valid("6222021234567890127")


def test_bank_cards_that_pass_luhn():
    assert personal("补贴发放至银行卡6222021234567890128") == [("银行卡号", "6222021234567890128")]
    assert personal("账号：6217 0012 3456 7893") == [("银行卡号", "6217 0012 3456 7893")]
    (f,) = find_personal_data("卡号6217001234567893", today=TODAY)
    assert f.severity == BLOCKING and f.suggestion == "6217********7893"


def test_card_like_numbers_that_fail_luhn_or_are_identifiers_are_not_cards():
    assert personal("卡号6222021234567890127") == []
    assert personal("发票号码6217001234567893") == []
    assert personal("项目编号6217001234567893") == []
    assert personal("序号1234567890123452") == []  # Luhn passes but no card starts with 1


# --- e-mail and addresses --------------------------------------------------------------------------


def test_personal_email_is_reported_government_mailbox_is_not():
    assert personal("来信人邮箱 zhangsan1990@163.com。") == [("电子邮箱", "zhangsan1990@163.com")]
    assert personal("投稿邮箱：bgs@qinzhou.gov.cn") == []


def test_home_address_after_personal_context():
    found = personal("当事人张某，家住钦南区文峰街道幸福路28号3栋2单元501室，经查……")
    assert found == [("家庭住址", "钦南区文峰街道幸福路28号3栋2单元501室")]
    assert personal("户籍地址：灵山县檀圩镇那隆村委会大坡村12号") == [
        ("家庭住址", "灵山县檀圩镇那隆村委会大坡村12号")
    ]


def test_residence_as_written_in_case_files_is_a_home_address_but_a_company_seat_is_not():
    assert personal("住所地：浦北县寨圩镇新安村委会高岭村6号（当事人自述家住该处）。") == [
        ("家庭住址", "浦北县寨圩镇新安村委会高岭村6号")
    ]
    assert personal("被申请人王某，住所：钦南区幸福路28号3栋501室。") == [
        ("家庭住址", "钦南区幸福路28号3栋501室")
    ]
    assert personal("公司住所：钦州市钦南区扬帆大道8号。") == []
    assert personal("企业住所地：钦州市钦南区扬帆大道8号") == []


def test_residential_unit_without_context():
    assert personal("居民王某住在幸福小区3栋2单元501室") == [("家庭住址", "幸福小区3栋2单元501室")]
    assert personal("检查组来到金海湾花园5栋1单元1202") == [("家庭住址", "金海湾花园5栋1单元1202")]


def test_office_addresses_and_vague_places_are_not_home_addresses():
    assert personal("办公地址：钦州市永福西大街6号") == []
    assert personal("受理地点：市民服务中心二楼5号窗口") == []
    assert personal("他住在附近的村子里") == []
    assert personal("项目共建设住宅楼12栋，共480户") == []


def test_checker_reports_personal_data_and_can_turn_it_off():
    text = "联系人手机13812345678"
    assert [f.subkind for f in Checker().check(text)] == ["手机号码"]
    assert Checker(detectors=["secret"]).check(text) == []

"""The masking corpus: personal numbers as people really write them must be masked; what the public must read stays.

Each case is (text as written, text as published). The formats come from tip transcripts, decision texts and the
ways 12369 call-takers note numbers down.
"""

from __future__ import annotations

import pytest

from ecoenforce.core.masking import mask_free_text

MASKED = [
    # mobile numbers
    ("举报人电话13812345678", "举报人电话138****5678"),
    ("他的手机是13812345678。", "他的手机是138****5678。"),
    ("联系电话：138 1234 5678", "联系电话：138 **** 5678"),
    ("手机 138-1234-5678", "手机 138-****-5678"),
    ("Tel: 138.1234.5678", "Tel: 138.****.5678"),
    ("+86 13812345678", "+86 138****5678"),
    ("+86-138-1234-5678", "+86-138-****-5678"),
    ("8613812345678", "86138****5678"),
    ("(+86)13812345678", "(+86)138****5678"),
    ("0086 13812345678", "0086 138****5678"),
    ("手机：１３８１２３４５６７８", "手机：１３８****５６７８"),
    ("电话１３８－１２３４－５６７８", "电话１３８－****－５６７８"),
    ("１９９ ８７６５ ４３２１找老王", "１９９ **** ４３２１找老王"),
    ("13912345678元", "139****5678元"),
    # landlines
    ("座机0519-88881234", "座机0519-******34"),
    ("(0519)88881234", "(0519)******34"),
    ("（０５１９）８８８８１２３４", "（０５１９）******３４"),
    ("厂办 0519 8888 1234", "厂办 0519 **** **34"),
    ("010-62345678转801", "010-********转*01"),
    ("021 6234 5678", "021 **** **78"),
    ("051988881234", "0519******34"),
    ("电话：88881234", "电话：******34"),
    # ID numbers
    ("身份证320412198001011234", "身份证320412********1234"),
    ("法定代表人身份证号32041219800101123X", "法定代表人身份证号320412********123X"),
    ("320412 19800101 123x", "320412 ******** 123x"),
    ("３２０４１２１９８００１０１１２３Ｘ", "３２０４１２********１２３Ｘ"),
    ("旧身份证320412800101123", "旧身份证320412*****1123"),
    # bank cards, e-mail, plates, accounts
    ("退款至6222021234567890128", "退款至6222***********0128"),
    ("卡号6222 0212 3456 7890 128", "卡号6222 **** **** ***0 128"),
    ("邮箱zhangsan@163.com", "邮箱z*******@163.com"),
    ("E-mail: li.si+tips@example.com.cn", "E-mail: l*********@example.com.cn"),
    ("运输车辆苏D·12345夜间倾倒", "运输车辆苏D·***45夜间倾倒"),
    ("车牌苏DF12345", "车牌苏D****45"),
    ("对方QQ号码:987654321", "对方QQ号码:*******21"),
    ("微信号：zhang_san88", "微信号：z**********"),
    # names given by the caller (the entity's legal representative, a reporter)
    ("经查，你单位（法定代表人：张三丰，电话13912345678）超标排放", "经查，你单位（法定代表人：张**，电话139****5678）超标排放"),
]

KEPT = [
    "常环罚〔2026〕12号",
    "武环罚字[2026]第012号",
    "苏环罚〔2025〕0321号",
    "2026-11-30",
    "2026年11月30日",
    "20261130",
    "22:30",
    "罚款人民币50000元",
    "罚款人民币1,234,567.89元",
    "壹拾万元整",
    "统一社会信用代码91320412MA1MXXXX0P",
    "统一社会信用代码913204121980010112",  # all digits with a date inside, but a valid credit code
    "排污许可证编号91320412MA1MXXXX0P001P",
    "线索编号XS202611300001",
    "监测设备MN 32041200000001",
    "化学需氧量 138.5 mg/L",
    "坐标31.7718, 119.9466",
    "邮编213161",
    "举报电话12369",
    "GB 16297-1996",
    "HJ 212-2017",
    "《大气污染防治法》第九十九条",
    "注册号320412000012345",
    "超标倍数13.5%",
    "Hotel 12345678",
    "第2026110001号",
]


def test_the_corpus_is_large_enough():
    assert len(MASKED) >= 30
    assert len(KEPT) >= 20


@pytest.mark.parametrize("written,published", MASKED)
def test_personal_numbers_are_masked(written, published):
    assert mask_free_text(written, names=["张三丰"]) == published


@pytest.mark.parametrize("text", KEPT)
def test_what_the_public_must_read_stays(text):
    assert mask_free_text(text) == text


def test_several_in_one_text_and_nothing_else_changes():
    text = "群众举报：某厂（联系人李四，手机13812345678，座机0519-88881234）于2026年11月30日22:30偷排，罚款50000元。"
    assert mask_free_text(text, names=["李四"]) == (
        "群众举报：某厂（联系人李*，手机138****5678，座机0519-******34）于2026年11月30日22:30偷排，罚款50000元。")


def test_empty_text():
    assert mask_free_text("") == ""

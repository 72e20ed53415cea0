"""The documented column layouts of the two pool spreadsheets: Chinese headers, English aliases, the template.

A bureau fills the template it downloads (Chinese headers); a file with the English keys as headers is read the
same way, and so are the usual variants of a ledger (aliases). Header matching ignores case, spaces and the
bracketed part ("年排放量（吨）" = "年排放量"); see core.tables.layout.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext_lazy as _

from ecoenforce.core.tables.layout import Column
from ecoenforce.core.tables.layout import header_map as layout_header_map

ENTITY_COLUMNS = (
    Column("credit_code", "统一社会信用代码", True, _("18 characters, as on the business licence"), "91320412MA1XXXXXXX",
           ("uscc", "信用代码", "社会信用代码", "统一信用代码")),
    Column("name", "单位名称", True, _("the registered name"), "常州示例化工有限公司", ("企业名称", "名称")),
    Column("industry_code", "行业代码", True, _("GB/T 4754-2017 class, 4 digits"), "2614", ("行业类别代码", "国民经济行业代码", "行业小类代码", "行业小类")),
    Column("address", "地址", True, _("production site address"), "常州市武进区示例路1号",
           ("详细地址", "生产经营场所地址", "生产地址")),
    Column("county_code", "区县代码", False, _("6-digit GB/T 2260 code; give this or the county name"), "320412",
           ("行政区划代码", "区县编码")),
    Column("county_name", "区县名称", False, _("county name; give this or the county code"), "武进区", ("所在区县", "所属区县", "区县")),
    Column("permit_class", "许可管理类别", True, _("重点管理, 简化管理, 登记管理 or 无 (key, simplified, registration, none)"),
           "重点管理", ("排污许可管理类别", "管理类别")),
    Column("permit_number", "排污许可证编号", False, _("empty if none"), "91320412MA1XXXXXXX001P",
           ("许可证编号", "排污许可证号")),
    Column("key_unit", "重点排污单位", False, _("是/否 (yes/no); empty = no"), "是", ("是否重点排污单位",)),
    Column("legal_representative", "法定代表人", False, _("optional"), ""),
    Column("contact_phone", "联系电话", False, _("optional"), ""),
    Column("annual_discharge_t", "年排放量（吨）", False, _("main pollutants, tonnes per year; empty if unknown"), ""),
    Column("near_sensitive_receptor", "邻近环境敏感目标", False, _("是/否; empty if unknown"), ""),
    Column("credit_grade", "环境信用等级", False, _("绿/蓝/黄/红/黑 (green, blue, yellow, red, black); empty if unknown"),
           "", ("信用等级", "环境信用评价等级", "环保信用等级")),
    Column("networked_monitoring", "自动监控已联网", False, _("是/否; empty = no"), ""),
    Column("permit_reports_on_time", "执行报告按时提交", False, _("是/否; empty if unknown"), ""),
)

INSPECTOR_COLUMNS = (
    Column("certificate_no", "执法证号", True, _("enforcement certificate number; re-importing it updates the person"),
           "32041200009", ("执法证件号", "执法证编号", "证件号")),
    Column("name", "姓名", True, _("full name"), "张三"),
    Column("unit", "所属单位", True, _("the enforcement body's full name as registered in the platform"),
           "武进区生态环境综合行政执法大队", ("工作单位", "执法单位", "单位")),
    Column("region", "所在地区", False, _("home county: 6-digit code or name; empty = the unit's region"), "320412",
           ("地区", "所在区县")),
    Column("kin_ties", "近亲属关系企业", False, _("credit codes separated by ';'"), ""),
    Column("interest_ties", "利害关系企业", False, _("credit codes separated by ';'"), ""),
    Column("phone", "联系电话", False, _("optional"), ""),
    Column("username", "登录名", False, _("for a new account; empty = the certificate number"), ""),
)

LAYOUTS = {"entities": ENTITY_COLUMNS, "inspectors": INSPECTOR_COLUMNS}


def header_map(kind: str) -> dict[str, str]:
    """Normalised header → column key, for the Chinese and English headers and the aliases."""
    return layout_header_map(LAYOUTS[kind])


def template_xlsx(kind: str) -> bytes:
    """The downloadable template: Chinese headers, one example row, and a sheet explaining every column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "data"
    columns = LAYOUTS[kind]
    sheet.append([c.zh for c in columns])
    sheet.append([c.example for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = max(12, len(column.zh) * 2 + 4)
    notes = workbook.create_sheet("columns")
    notes.append(["中文表头", "English header", "required", "how to fill"])
    for column in columns:
        notes.append([column.zh, column.key, "yes" if column.required else "", str(column.hint)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

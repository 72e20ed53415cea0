"""Industry checklists for on-site inspections (pure: no Django).

A checklist group has a name, the GB/T 4754 industry codes (or code prefixes) it covers and its items; each item has
a stable code, the text in Chinese (and English), and the legal basis the inspector cites. The policy data is a
`ChecklistPolicy` version (the newest in force); `DEFAULTS` is version 1. An entity's checklist is the group whose
prefix matches its industry code longest, else the general checklist, which every group's items follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GENERAL = "general"
_CODE = re.compile(r"^[A-Z]{1,4}-?[0-9]{1,3}$")
_INDUSTRY = re.compile(r"^[0-9]{1,4}$")

AIR = "《中华人民共和国大气污染防治法》"
WATER = "《中华人民共和国水污染防治法》"
SOLID = "《中华人民共和国固体废物污染环境防治法》"
PERMIT = "《排污许可管理条例》"
EPL = "《中华人民共和国环境保护法》"


def _item(code: str, text: str, text_en: str, basis: str) -> dict:
    return {"code": code, "text": text, "text_en": text_en, "basis": basis}


DEFAULTS: dict = {"groups": {
    GENERAL: {"name": "通用检查", "name_en": "General", "industries": [], "items": [
        _item("G-01", "持有有效排污许可证，按许可证载明的污染物种类、浓度和排放量排放",
              "Holds a valid discharge permit and discharges as the permit states (pollutants, concentrations, "
              "quantities)", f"{PERMIT}第二条、第十七条；{EPL}第四十五条"),
        _item("G-02", "污染防治设施正常运行，无擅自拆除、闲置或不正常运行",
              "Pollution control facilities run normally; none removed, idle or bypassed",
              f"{AIR}第二十条；{WATER}第三十九条；{PERMIT}第十七条"),
        _item("G-03", "排污口设置规范，标志牌设立正确", "Outlets set up as required and signposted",
              f"{PERMIT}第十八条；{WATER}第二十二条"),
        _item("G-04", "按规定开展自行监测，原始监测记录保存不少于5年",
              "Self-monitoring done as required; original monitoring records kept for at least 5 years",
              f"{PERMIT}第十九条；{AIR}第二十四条"),
        _item("G-05", "自动监测设备安装、联网并正常运行", "Automatic monitoring installed, networked and running",
              f"{PERMIT}第二十条；{AIR}第二十四条；{WATER}第二十三条"),
        _item("G-06", "环境管理台账记录完整并按规定保存", "Environmental management ledger complete and kept",
              f"{PERMIT}第二十一条"),
        _item("G-07", "按时提交排污许可证执行报告", "Permit implementation reports submitted on time",
              f"{PERMIT}第二十二条"),
        _item("G-08", "工业固体废物贮存规范，建立管理台账", "Industrial solid waste stored properly, with a ledger",
              f"{SOLID}第三十六条"),
        _item("G-09", "突发环境事件应急预案已制定并备案", "Environmental emergency plan drawn up and filed",
              f"{EPL}第四十七条"),
    ]},
    "thermal_power": {"name": "火电", "name_en": "Thermal power", "industries": ["4411", "4412", "4417", "4430"],
                      "items": [
        _item("TP-01", "烟气排放连续监测系统（CEMS）安装、联网、正常运行，数据真实",
              "Flue-gas CEMS installed, networked and running; data genuine", f"{AIR}第二十四条；{PERMIT}第二十条"),
        _item("TP-02", "脱硫、脱硝、除尘设施正常运行，运行记录（药剂、电耗）完整",
              "Desulphurisation, denitrification and dust removal running; operating records (reagents, power) "
              "complete", f"{AIR}第二十条"),
        _item("TP-03", "二氧化硫、氮氧化物、颗粒物排放浓度符合GB 13223-2011",
              "SO2, NOx and particulate within GB 13223-2011", f"{AIR}第十八条"),
        _item("TP-04", "煤场、灰场等易扬尘物料密闭或覆盖", "Coal yard and ash yard enclosed or covered",
              f"{AIR}第四十八条、第七十二条"),
        _item("TP-05", "脱硫废水处理后达标排放", "Desulphurisation wastewater treated before discharge",
              f"{WATER}第十条"),
        _item("TP-06", "粉煤灰、脱硫石膏贮存与综合利用台账", "Fly ash and gypsum stored, with a use ledger",
              f"{SOLID}第三十六条"),
        _item("TP-07", "废脱硝催化剂等危险废物规范贮存、转移", "Spent catalysts and other hazardous waste stored "
              "and transferred as required", f"{SOLID}第七十九条、第八十二条"),
    ]},
    "cement": {"name": "水泥", "name_en": "Cement", "industries": ["3011"], "items": [
        _item("CE-01", "窑头、窑尾烟气CEMS联网并正常运行", "Kiln head and tail CEMS networked and running",
              f"{AIR}第二十四条"),
        _item("CE-02", "脱硝（SNCR）、除尘设施运行，氨水用量记录完整",
              "Denitrification (SNCR) and dust removal running; ammonia use recorded", f"{AIR}第二十条"),
        _item("CE-03", "原燃料、熟料堆场封闭，物料输送密闭", "Raw material, fuel and clinker stores enclosed; "
              "conveying sealed", f"{AIR}第四十八条"),
        _item("CE-04", "颗粒物、二氧化硫、氮氧化物排放符合GB 4915-2013",
              "Particulate, SO2 and NOx within GB 4915-2013", f"{AIR}第十八条"),
        _item("CE-05", "重污染天气应急减排及错峰生产措施落实",
              "Heavy-pollution emergency cuts and staggered production carried out", f"{AIR}第九十六条"),
        _item("CE-06", "协同处置固体废物的许可与台账", "Co-processing of waste licensed and recorded",
              f"{SOLID}第八十条"),
    ]},
    "chemical": {"name": "化工", "name_en": "Chemicals", "industries": ["251", "26"], "items": [
        _item("CH-01", "含挥发性有机物废气在密闭空间或设备中产生并收集处理，开展泄漏检测与修复（LDAR）",
              "VOC-bearing processes enclosed, gases collected and treated; leak detection and repair done",
              f"{AIR}第四十五条"),
        _item("CH-02", "废气治理设施（RTO、活性炭等）运行及耗材更换记录",
              "Waste-gas treatment (RTO, activated carbon) running; consumables replaced and recorded",
              f"{AIR}第二十条"),
        _item("CH-03", "含有毒有害水污染物的废水分类收集处理，雨污分流",
              "Wastewater with toxic pollutants collected and treated separately; storm and sewage separated",
              f"{WATER}第四十五条"),
        _item("CH-04", "危险废物识别标志、管理计划和申报", "Hazardous waste labelled, management plan and "
              "declaration filed", f"{SOLID}第七十七条、第七十八条"),
        _item("CH-05", "危险废物分类贮存，贮存期限不超过一年", "Hazardous waste stored by category, at most one "
              "year", f"{SOLID}第七十九条、第八十一条"),
        _item("CH-06", "危险废物转移执行转移联单", "Hazardous waste transfers use the manifest",
              f"{SOLID}第八十二条"),
        _item("CH-07", "土壤污染隐患排查", "Soil contamination risks surveyed",
              "《中华人民共和国土壤污染防治法》第二十一条"),
    ]},
    "electroplating": {"name": "电镀", "name_en": "Electroplating", "industries": ["3360"], "items": [
        _item("EP-01", "含铬、镍等第一类污染物废水在车间或车间处理设施排放口达标",
              "Wastewater with chromium, nickel and other class-1 pollutants meets the limit at the workshop outlet",
              f"{WATER}第十条、第四十五条"),
        _item("EP-02", "废水分质分流，不得稀释排放", "Wastewater streams separated; no dilution",
              f"{WATER}第四十五条"),
        _item("EP-03", "无私设暗管、渗井渗坑等逃避监管排放", "No hidden pipes, seepage pits or other evasion",
              f"{WATER}第三十九条"),
        _item("EP-04", "电镀污泥、废槽液等危险废物规范贮存并转移", "Plating sludge and spent baths stored and "
              "transferred as hazardous waste", f"{SOLID}第七十九条、第八十二条"),
        _item("EP-05", "酸雾、铬酸雾收集处理", "Acid and chromic-acid mist collected and treated",
              f"{AIR}第四十八条"),
        _item("EP-06", "用水、排水台账与水平衡", "Water use and discharge ledger balances",
              f"{PERMIT}第二十一条"),
    ]},
    "printing_dyeing": {"name": "印染", "name_en": "Printing and dyeing",
                        "industries": ["1713", "1723", "1733", "1743", "1752", "1762"], "items": [
        _item("PD-01", "废水处理设施正常运行，COD、氨氮、总氮、色度符合GB 4287-2012",
              "Wastewater treatment running; COD, ammonia, total nitrogen and colour within GB 4287-2012",
              f"{WATER}第十条"),
        _item("PD-02", "废水自动监测（流量、COD、氨氮）安装联网", "Wastewater automatic monitoring (flow, COD, "
              "ammonia) installed and networked", f"{WATER}第二十三条"),
        _item("PD-03", "无偷排、私设暗管等逃避监管排放", "No secret discharge or hidden pipes",
              f"{WATER}第三十九条"),
        _item("PD-04", "定型机废气收集处理", "Stenter exhaust collected and treated", f"{AIR}第四十五条"),
        _item("PD-05", "污泥贮存、处置台账", "Sludge stored and disposed of, with a ledger", f"{SOLID}第三十六条"),
    ]},
    "municipal_wastewater": {"name": "城镇污水处理", "name_en": "Municipal wastewater treatment",
                             "industries": ["4620"], "items": [
        _item("MW-01", "出水水质符合GB 18918-2002，运营单位对出水水质负责",
              "Effluent within GB 18918-2002; the operator answers for effluent quality",
              f"{WATER}第十条、第五十条"),
        _item("MW-02", "进出水自动监测（流量、COD、氨氮、总磷、总氮）联网运行",
              "Influent and effluent automatic monitoring (flow, COD, ammonia, TP, TN) networked and running",
              f"{WATER}第二十三条"),
        _item("MW-03", "超越管、应急排放口管理，无旁路排放", "Bypass and emergency outlets controlled; no bypass "
              "discharge", f"{WATER}第三十九条"),
        _item("MW-04", "污泥安全处理处置，去向可追溯", "Sludge treated and disposed of safely; traceable",
              f"{WATER}第五十一条"),
        _item("MW-05", "运行台账（药剂、电耗、进出水量）完整", "Operating ledger (chemicals, power, flows) complete",
              f"{PERMIT}第二十一条"),
    ]},
    "hazardous_waste": {"name": "危险废物经营", "name_en": "Hazardous-waste operators", "industries": ["7724"],
                        "items": [
        _item("HW-01", "持有危险废物经营许可证，经营类别和规模与许可相符",
              "Holds a hazardous-waste operating licence; categories and scale as licensed", f"{SOLID}第八十条"),
        _item("HW-02", "危险废物管理计划、管理台账和申报", "Management plan, ledger and declarations",
              f"{SOLID}第七十八条"),
        _item("HW-03", "贮存设施分类、防渗，识别标志规范", "Storage separated by category, seepage-proof, labelled",
              f"{SOLID}第七十七条、第七十九条"),
        _item("HW-04", "贮存期限不超过一年", "Stored for at most one year", f"{SOLID}第八十一条"),
        _item("HW-05", "转移执行转移联单", "Transfers under the manifest", f"{SOLID}第八十二条"),
        _item("HW-06", "焚烧烟气自动监测（含HCl、CO）联网，符合GB 18484-2020",
              "Incinerator flue-gas monitoring (incl. HCl, CO) networked; within GB 18484-2020",
              f"{AIR}第二十四条"),
        _item("HW-07", "意外事故防范措施和应急预案", "Accident prevention measures and emergency plan",
              f"{SOLID}第八十五条"),
    ]},
}}


@dataclass(frozen=True)
class Item:
    code: str
    text: str
    text_en: str
    basis: str


@dataclass(frozen=True)
class Group:
    key: str
    name: str
    name_en: str
    industries: tuple[str, ...]
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Checklists:
    groups: dict[str, Group]

    @classmethod
    def from_values(cls, values: object) -> Checklists:
        """Read policy values; raise ValueError naming the first problem."""
        if not isinstance(values, dict) or not isinstance(values.get("groups"), dict) or not values["groups"]:
            raise ValueError('the values need "groups": an object of checklist groups')
        groups: dict[str, Group] = {}
        seen_prefix: dict[str, str] = {}
        for key, raw in values["groups"].items():
            if not isinstance(raw, dict):
                raise ValueError(f"group {key!r} is not an object")
            name = str(raw.get("name") or "").strip()
            if not name:
                raise ValueError(f"group {key!r} has no name")
            industries = raw.get("industries") or []
            if not isinstance(industries, list) or not all(isinstance(c, str) and _INDUSTRY.match(c)
                                                           for c in industries):
                raise ValueError(f"group {key!r}: industries are GB/T 4754 codes or prefixes (1–4 digits)")
            for code in industries:
                if code in seen_prefix:
                    raise ValueError(f"industry {code} is in both {seen_prefix[code]!r} and {key!r}")
                seen_prefix[code] = key
            raw_items = raw.get("items")
            if not isinstance(raw_items, list) or not raw_items:
                raise ValueError(f"group {key!r} has no items")
            items, codes = [], set()
            for it in raw_items:
                if not isinstance(it, dict):
                    raise ValueError(f"group {key!r}: an item is not an object")
                code = str(it.get("code") or "").strip()
                if not _CODE.match(code) or code in codes:
                    raise ValueError(f"group {key!r}: item code {code!r} is missing, malformed or repeated")
                codes.add(code)
                text, basis = str(it.get("text") or "").strip(), str(it.get("basis") or "").strip()
                if not text or not basis:
                    raise ValueError(f"item {code}: the text and the legal basis are required")
                items.append(Item(code=code, text=text, text_en=str(it.get("text_en") or "").strip(), basis=basis))
            groups[key] = Group(key=key, name=name, name_en=str(raw.get("name_en") or "").strip(),
                                industries=tuple(industries), items=tuple(items))
        if GENERAL not in groups:
            raise ValueError(f'a "{GENERAL}" group is required: the checklist for industries no group covers')
        all_codes = [i.code for g in groups.values() for i in g.items]
        if len(all_codes) != len(set(all_codes)):
            raise ValueError("item codes must be unique across groups")
        return cls(groups=groups)

    def group_for(self, industry_code: str | None) -> Group:
        """The group whose industry prefix matches the code longest; the general group when none does."""
        code = str(industry_code or "")
        best, best_len = self.groups[GENERAL], 0
        for group in self.groups.values():
            for prefix in group.industries:
                if code.startswith(prefix) and len(prefix) > best_len:
                    best, best_len = group, len(prefix)
        return best

    def items_for(self, industry_code: str | None) -> tuple[Group, list[Item]]:
        """The entity's checklist: its industry group's items, then the general items."""
        group = self.group_for(industry_code)
        items = list(group.items)
        if group.key != GENERAL:
            items += list(self.groups[GENERAL].items)
        return group, items

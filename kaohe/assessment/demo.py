"""Demo data for 示范市: the 2025 high-quality-development scheme (≈90 indicators in the ten
areas of SYSTEM.md, five boards, quota tiers, veto, bonus and deduction), its 2026 revision,
periods, per-unit targets, and 2025 January–December plus 2026 January–October values.

2025 is complete (approved and locked); 2026 runs to October, which is open: some responsible
units have submitted, one was returned, some are late. The data carries a few outliers (临江区's
September 2026 investment growth), a suspiciously smooth series (桃源县's retail sales grow by
the same amount every month) and explanations (说明) for the jumps, so every screen has
something real to show. Deterministic (seeded) and fast: everything is bulk-inserted.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from kaohe.assessment import derivation, schemes, services
from kaohe.assessment.models import (
    DataValue,
    IndicatorSpec,
    Period,
    PeriodKind,
    PeriodStatus,
    QualityFinding,
    Reminder,
    Scheme,
    Submission,
    SubmissionStatus,
    Target,
)
from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.lib.numbers import COUNT_UNITS
from kaohe.orgs.models import OrgUnit, PeerGroup

SCHEME_CODE = "HQD"
GROUPS = ("ZCQ", "JQ", "GNQ")

# (area, sub-area, code, name, unit of measure, points, method, params, direction, responsible unit,
#  frequency, value kind, generator, extra rules)
# generators: ("amt", annual base, growth %), ("growth", mean, sd), ("pct", mean, sd),
# ("progress", year-end mean, sd), ("count", annual base), ("level", mean, sd)
M, Q, Y = "monthly", "quarterly", "yearly"
IND: list[tuple] = [
    # 1 经济发展
    ("经济发展", "经济总量与增速", "gdp", "地区生产总值", "亿元", 4, "rank_points", {"step": 0.3}, "higher", "SFS-TJJ", Q, "ytd", ("amt", 900, 5.5), {}),
    ("经济发展", "经济总量与增速", "gdp_growth", "地区生产总值增速", "%", 6, "efficacy", {"base": 0.6}, "higher", "SFS-TJJ", Q, "ytd", ("growth", 5.3, 1.2), {}),
    ("经济发展", "经济总量与增速", "gdp_share", "地区生产总值占全市比重", "%", 2, "rank_points", {"step": 0.2}, "higher", None, Q, "ytd", None, {}),
    ("经济发展", "经济总量与增速", "ind_va_growth", "规上工业增加值增速", "%", 5, "efficacy", {"base": 0.6}, "higher", "SFS-TJJ", M, "ytd", ("growth", 6.8, 2.5), {}),
    ("经济发展", "经济总量与增速", "services_growth", "规上服务业营业收入增速", "%", 3, "efficacy", {"base": 0.6}, "higher", "SFS-TJJ", M, "ytd", ("growth", 7.5, 3.0), {}),
    ("经济发展", "经济总量与增速", "construction_growth", "建筑业总产值增速", "%", 2, "minmax", {}, "higher", "SFS-ZJJ", Q, "ytd", ("growth", 3.0, 4.0), {}),
    ("经济发展", "投资与消费", "fai", "固定资产投资额", "亿元", 2, "rank_ratio", {}, "higher", "SFS-TJJ", M, "ytd", ("amt", 420, 4.0), {}),
    ("经济发展", "投资与消费", "fai_growth", "固定资产投资增速", "%", 5, "efficacy", {"base": 0.6}, "higher", "SFS-TJJ", M, "ytd", ("growth", 4.0, 3.5), {}),
    ("经济发展", "投资与消费", "ind_inv_growth", "工业投资增速", "%", 4, "efficacy", {"base": 0.6}, "higher", "SFS-GXJ", M, "ytd", ("growth", 8.0, 5.0), {}),
    ("经济发展", "投资与消费", "retail", "社会消费品零售总额", "亿元", 2, "rank_ratio", {}, "higher", "SFS-SWJ", M, "ytd", ("amt", 380, 5.0), {}),
    ("经济发展", "投资与消费", "retail_growth", "社会消费品零售总额增速", "%", 3, "mean_relative", {"below": 0.5}, "higher", "SFS-SWJ", M, "ytd", ("growth", 5.2, 1.5), {}),
    ("经济发展", "财政与企业", "budget_rev", "一般公共预算收入", "亿元", 3, "target", {"mode": "ratio", "below": 1}, "higher", "SFS-CZJ", M, "ytd", ("amt", 75, 3.0), {}),
    ("经济发展", "财政与企业", "tax_share", "税收占一般公共预算收入比重", "%", 3, "goalposts", {"lower": 65, "upper": 85}, "higher", "SFS-CZJ", M, "period", ("pct", 78, 5), {}),
    ("经济发展", "财政与企业", "new_ind_firms", "新增规上工业企业数", "家", 3, "rank_points", {"step": 0.25}, "higher", "SFS-GXJ", M, "ytd", ("count", 40), {}),
    ("经济发展", "财政与企业", "hitech_output_share", "高新技术产业产值占规上工业比重", "%", 3, "efficacy", {"base": 0.6}, "higher", "SFS-KJJ", Q, "period", ("pct", 48, 8), {}),
    # 重大项目 (龙虎榜): the projects module's figure codes, reported monthly by 发改委
    ("经济发展", "重大项目", "proj_start_rate", "重大项目开工率", "%", 3, "target", {"mode": "ratio", "below": 1}, "higher", "SFS-FGW", M, "period", ("progress", 95, 4), {"max": 100}),
    ("经济发展", "重大项目", "proj_new_start_rate", "新开工项目开工率", "%", 2, "efficacy", {"base": 0.6}, "higher", "SFS-FGW", M, "period", ("progress", 88, 6), {"max": 100}),
    ("经济发展", "重大项目", "proj_invest_schedule_rate", "重大项目序时进度完成率", "%", 3, "threshold", {"value": 100, "partial": 1.5}, "higher", "SFS-FGW", M, "period", ("pct", 102, 8), {"max": 200}),
    ("经济发展", "重大项目", "proj_complete_rate", "重大项目竣工率", "%", 2, "efficacy", {"base": 0.6}, "higher", "SFS-FGW", M, "period", ("progress", 85, 8), {"max": 100}),
    ("经济发展", "重大项目", "proj_stats_rate", "重大项目列统率", "%", 2, "minmax", {}, "higher", "SFS-FGW", M, "period", ("pct", 90, 5), {"max": 100}),
    ("经济发展", "重大项目", "proj_problem_ontime_rate", "项目问题按时办结率", "%", 2, "goalposts", {"lower": 80, "upper": 100}, "higher", "SFS-FGW", M, "period", ("pct", 93, 4), {"max": 100}),
    # 2 科技创新
    ("科技创新", None, "hte_count", "高新技术企业数", "家", 3, "rank_points", {"step": 0.25}, "higher", "SFS-KJJ", Y, "period", ("count", 160), {}),
    ("科技创新", None, "rd_spend", "研究与试验发展经费支出", "亿元", 0, None, None, "higher", "SFS-KJJ", Y, "period", ("amt", 22, 8.0), {}),
    ("科技创新", None, "rd_intensity", "研发经费投入强度", "%", 4, "efficacy", {"base": 0.6}, "higher", None, Y, "period", None, {}),
    ("科技创新", None, "tech_sme", "科技型中小企业入库数", "家", 2, "rank_ratio", {}, "higher", "SFS-KJJ", M, "ytd", ("count", 220), {}),
    ("科技创新", None, "patents_per_10k", "每万人口高价值发明专利拥有量", "件", 2, "efficacy", {"base": 0.6}, "higher", "SFS-SJJ", Q, "period", ("level", 18, 6), {}),
    ("科技创新", None, "tech_contracts", "技术合同成交额", "亿元", 2, "rank_ratio", {}, "higher", "SFS-KJJ", M, "ytd", ("amt", 30, 12.0), {}),
    ("科技创新", None, "innovation_platforms", "新增省级以上创新平台", "个", 2, "rank_points", {"step": 0.2}, "higher", "SFS-KJJ", Q, "ytd", ("count", 6), {}),
    ("科技创新", None, "talent_intro", "新引进高层次人才", "人", 2, "rank_ratio", {}, "higher", "SFS-RSJ", M, "ytd", ("count", 120), {}),
    ("科技创新", None, "specialized_firms", "专精特新中小企业数", "家", 2, "rank_points", {"step": 0.2}, "higher", "SFS-GXJ", Q, "period", ("count", 45), {}),
    ("科技创新", None, "digital_share", "数字经济核心产业增加值占比", "%", 2, "goalposts", {"lower": 5, "upper": 15}, "higher", "SFS-SJU", Q, "period", ("pct", 10, 3), {}),
    # 3 改革开放
    ("改革开放", None, "fdi", "实际使用外资", "万美元", 4, "target", {"mode": "ratio", "below": 1}, "higher", "SFS-SWJ", M, "ytd", ("amt", 18000, 3.0), {}),
    ("改革开放", None, "trade", "外贸进出口总额", "亿元", 2, "rank_ratio", {}, "higher", "SFS-SWJ", M, "ytd", ("amt", 260, 4.0), {}),
    ("改革开放", None, "export", "出口总额", "亿元", 2, "rank_ratio", {}, "higher", "SFS-SWJ", M, "ytd", ("amt", 160, 5.0), {"part_of": "trade"}),
    ("改革开放", None, "trade_growth", "外贸进出口增速", "%", 3, "mean_relative", {"below": 0.4}, "higher", "SFS-SWJ", M, "ytd", ("growth", 3.5, 4.0), {}),
    ("改革开放", None, "signed_projects", "招商引资签约项目数", "个", 3, "target", {"mode": "steps", "above": 0.1, "above_max": 1, "below": 0.2}, "higher", "SFS-TZJ", M, "ytd", ("count", 60), {}),
    ("改革开放", None, "signed_1e8", "亿元以上签约项目数", "个", 3, "rank_points", {"step": 0.3}, "higher", "SFS-TZJ", M, "ytd", ("count", 25), {}),
    ("改革开放", None, "new_market_entities", "新增经营主体", "户", 2, "rank_ratio", {}, "higher", "SFS-SJJ", M, "ytd", ("count", 9000), {}),
    ("改革开放", None, "reform_tasks_rate", "重点改革任务完成率", "%", 2, "threshold", {"value": 100, "partial": 1}, "higher", "SFS-FGW", Q, "period", ("progress", 98, 3), {"max": 100}),
    ("改革开放", None, "tax_per_mu", "工业用地亩均税收", "万元/亩", 2, "zscore", {}, "higher", "SFS-ZRJ", Y, "period", ("level", 32, 9), {}),
    # 4 城乡建设
    ("城乡建设", None, "urban_renewal_rate", "城市更新项目完成率", "%", 3, "efficacy", {"base": 0.6}, "higher", "SFS-ZJJ", M, "period", ("progress", 92, 6), {"max": 100}),
    ("城乡建设", None, "affordable_housing_rate", "保障性住房开工率", "%", 2, "threshold", {"value": 100, "partial": 1}, "higher", "SFS-ZJJ", Q, "period", ("progress", 97, 4), {"max": 100}),
    ("城乡建设", None, "old_community", "老旧小区改造完成数", "个", 2, "target", {"mode": "ratio", "below": 1}, "higher", "SFS-ZJJ", M, "ytd", ("count", 18), {}),
    ("城乡建设", None, "rural_env_rate", "农村人居环境整治合格率", "%", 2, "goalposts", {"lower": 85, "upper": 100}, "higher", "SFS-NYJ", Q, "period", ("pct", 94, 3), {"max": 100}),
    ("城乡建设", None, "city_mgmt_score", "城市长效管理考核得分", "分", 3, "rank_points", {"step": 0.2}, "higher", "SFS-CGJ", M, "period", ("level", 88, 4), {"max": 100}),
    ("城乡建设", None, "transport_invest_rate", "交通重点工程投资完成率", "%", 2, "efficacy", {"base": 0.6}, "higher", "SFS-JTJ", M, "period", ("progress", 96, 7), {"max": 150}),
    ("城乡建设", None, "base_stations", "新建5G基站", "个", 1, "rank_ratio", {}, "higher", "SFS-GXJ", Q, "ytd", ("count", 300), {}),
    ("城乡建设", None, "water_supply_rate", "城乡供水一体化覆盖率", "%", 1, "goalposts", {"lower": 90, "upper": 100}, "higher", "SFS-SLJ", Y, "period", ("pct", 97, 2), {"max": 100}),
    # 5 文化建设
    ("文化建设", None, "tourists", "接待游客人次", "万人次", 2, "rank_ratio", {}, "higher", "SFS-WLJ", M, "ytd", ("amt", 1200, 6.0), {}),
    ("文化建设", None, "tourism_revenue", "旅游总收入", "亿元", 2, "rank_ratio", {}, "higher", "SFS-WLJ", M, "ytd", ("amt", 140, 7.0), {}),
    ("文化建设", None, "culture_consumption_growth", "文旅消费增速", "%", 2, "efficacy", {"base": 0.6}, "higher", "SFS-WLJ", Q, "ytd", ("growth", 8.0, 4.0), {}),
    ("文化建设", None, "civility_score", "文明城市测评得分", "分", 3, "rank_points", {"step": 0.2}, "higher", "SFS-WLJ", Q, "period", ("level", 90, 3), {"max": 100}),
    ("文化建设", None, "public_culture_rate", "基层公共文化服务达标率", "%", 2, "goalposts", {"lower": 85, "upper": 100}, "higher", "SFS-WLJ", Y, "period", ("pct", 95, 3), {"max": 100}),
    ("文化建设", None, "culture_industry_share", "文化产业增加值占GDP比重", "%", 2, "efficacy", {"base": 0.6}, "higher", "SFS-TJJ", Y, "period", ("pct", 5.5, 1.2), {}),
    ("文化建设", None, "practice_events", "新时代文明实践活动场次", "场", 1, "rank_ratio", {}, "higher", "SFS-WLJ", M, "ytd", ("count", 600), {}),
    # 6 乡村振兴
    ("乡村振兴", None, "agri_va_growth", "农业增加值增速", "%", 3, "efficacy", {"base": 0.6}, "higher", "SFS-NYJ", Q, "ytd", ("growth", 3.2, 1.0), {}),
    ("乡村振兴", None, "grain_area", "粮食播种面积", "万亩", 2, "target", {"mode": "ratio", "below": 1}, "higher", "SFS-NYJ", Y, "period", ("amt", 30, 0.5), {}),
    ("乡村振兴", None, "hq_farmland_rate", "高标准农田建设任务完成率", "%", 2, "threshold", {"value": 100, "partial": 1}, "higher", "SFS-NYJ", Q, "period", ("progress", 98, 3), {"max": 100}),
    ("乡村振兴", None, "rural_income_growth", "农村居民人均可支配收入增速", "%", 3, "mean_relative", {"below": 0.5}, "higher", "SFS-TJJ", Q, "ytd", ("growth", 6.2, 0.8), {}),
    ("乡村振兴", None, "village_income", "村级集体经济收入50万元以上村占比", "%", 2, "efficacy", {"base": 0.6}, "higher", "SFS-NYJ", Y, "period", ("pct", 70, 12), {"max": 100}),
    ("乡村振兴", None, "agri_quality_rate", "农产品质量安全抽检合格率", "%", 1, "threshold", {"value": 98, "partial": 0.5}, "higher", "SFS-NYJ", Q, "period", ("pct", 98.8, 0.8), {"max": 100}),
    ("乡村振兴", None, "leisure_agri_revenue", "休闲农业和乡村旅游收入", "亿元", 1, "rank_ratio", {}, "higher", "SFS-NYJ", Q, "ytd", ("amt", 12, 8.0), {}),
    # 7 生态文明
    ("生态文明", None, "pm25", "PM2.5平均浓度", "微克/立方米", 4, "efficacy", {"base": 0.6}, "lower", "SFS-STJ", M, "period", ("level", 31, 4), {}),
    ("生态文明", None, "good_air_rate", "空气质量优良天数比率", "%", 3, "goalposts", {"lower": 75, "upper": 90}, "higher", "SFS-STJ", M, "period", ("pct", 82, 5), {"max": 100}),
    ("生态文明", None, "water_quality_rate", "国省考断面水质优Ⅲ比例", "%", 3, "threshold", {"value": 90, "partial": 1}, "higher", "SFS-STJ", M, "period", ("pct", 93, 5), {"max": 100}),
    ("生态文明", None, "energy_intensity_drop", "单位GDP能耗下降率", "%", 3, "target", {"mode": "steps", "above": 0.5, "above_max": 1, "below": 1}, "higher", "SFS-FGW", Y, "period", ("level", 3.2, 1.0), {"allow_negative": True}),
    ("生态文明", None, "eco_complaints_rate", "生态环境信访件按期办结率", "%", 2, "goalposts", {"lower": 90, "upper": 100}, "higher", "SFS-STJ", M, "period", ("pct", 97, 2), {"max": 100}),
    ("生态文明", None, "land_reduction", "建设用地减量化面积", "亩", 2, "target", {"mode": "ratio", "below": 1}, "higher", "SFS-ZRJ", Q, "ytd", ("count", 300), {}),
    ("生态文明", None, "inspection_fix_rate", "环保督察问题整改完成率", "%", 2, "threshold", {"value": 100, "partial": 1}, "higher", "SFS-STJ", Q, "period", ("progress", 97, 4), {"max": 100}),
    # 8 民生保障
    ("民生保障", None, "jobs", "城镇新增就业人数", "人", 3, "target", {"mode": "ratio", "below": 1}, "higher", "SFS-RSJ", M, "ytd", ("count", 12000), {"integer": True}),
    ("民生保障", None, "unemployment", "城镇调查失业率", "%", 2, "goalposts", {"lower": 4.5, "upper": 6}, "lower", "SFS-RSJ", Q, "period", ("level", 5.1, 0.3), {"max": 20}),
    ("民生保障", None, "income_growth", "居民人均可支配收入增速", "%", 4, "mean_relative", {"below": 0.5}, "higher", "SFS-TJJ", Q, "ytd", ("growth", 5.4, 0.7), {}),
    ("民生保障", None, "livelihood_projects_rate", "民生实事项目完成率", "%", 3, "efficacy", {"base": 0.6}, "higher", "SFS-FGW", M, "period", ("progress", 96, 4), {"max": 100}),
    ("民生保障", None, "elderly_beds", "新增养老服务床位", "张", 2, "rank_ratio", {}, "higher", "SFS-MZJ", Q, "ytd", ("count", 400), {}),
    ("民生保障", None, "school_places", "新增中小学学位", "个", 2, "rank_ratio", {}, "higher", "SFS-JYJ", Y, "period", ("count", 3000), {}),
    ("民生保障", None, "medical_insurance_rate", "基本医保参保率", "%", 2, "threshold", {"value": 98, "partial": 1}, "higher", "SFS-YBJ", Q, "period", ("pct", 98.6, 0.6), {"max": 100}),
    ("民生保障", None, "hotline_satisfaction", "12345热线满意率", "%", 2, "efficacy", {"base": 0.6}, "higher", "SFS-SJU", M, "period", ("pct", 94, 2.5), {"max": 100}),
    # 9 社会治理
    ("社会治理", None, "one_network_rate", "政务服务“一网通办”率", "%", 3, "goalposts", {"lower": 90, "upper": 100}, "higher", "SFS-SPJ", M, "period", ("pct", 96, 2), {"max": 100}),
    ("社会治理", None, "enterprise_requests_rate", "企业诉求按期办结率", "%", 3, "efficacy", {"base": 0.6}, "higher", "SFS-SPJ", M, "period", ("pct", 95, 3), {"max": 100}),
    ("社会治理", None, "enterprise_satisfaction", "企业服务满意度", "分", 4, "rank_points", {"step": 0.3}, "higher", "SFS-SPJ", Q, "period", ("level", 92, 3), {"max": 100}),
    ("社会治理", None, "approval_speedup", "审批时限压缩率", "%", 2, "goalposts", {"lower": 30, "upper": 60}, "higher", "SFS-SPJ", Q, "period", ("pct", 48, 8), {"max": 100}),
    ("社会治理", None, "petition_resolution_rate", "信访积案化解率", "%", 2, "efficacy", {"base": 0.6}, "higher", "SFS-XFJ", Q, "period", ("progress", 90, 6), {"max": 100}),
    ("社会治理", None, "safety_deaths", "生产安全事故死亡人数", "人", 3, "threshold", {"value": 0, "partial": 1}, "lower", "SFS-YJJ", M, "ytd", ("count", 1.2), {"integer": True, "jump_pct": 0}),
    ("社会治理", None, "rule_of_law_score", "法治建设测评得分", "分", 2, "rank_points", {"step": 0.2}, "higher", "SFS-SFJ", Y, "period", ("level", 90, 3), {"max": 100}),
    # 10 党的建设
    ("党的建设", None, "party_org_rate", "基层党组织标准化规范化达标率", "%", 3, "goalposts", {"lower": 90, "upper": 100}, "higher", "SFS-ZRJ", Y, "period", ("pct", 96, 2.5), {"max": 100}),
    ("党的建设", None, "integrity_score", "党风廉政建设考评得分", "分", 3, "rank_points", {"step": 0.2}, "higher", "SFS-SJI", Y, "period", ("level", 91, 2.5), {"max": 100}),
    ("党的建设", None, "cadre_training_rate", "干部教育培训任务完成率", "%", 2, "threshold", {"value": 100, "partial": 1}, "higher", "SFS-RSJ", Q, "period", ("progress", 98, 3), {"max": 100}),
    ("党的建设", None, "ideology_score", "意识形态工作责任制考评得分", "分", 2, "rank_points", {"step": 0.2}, "higher", "SFS-SJI", Y, "period", ("level", 92, 2), {"max": 100}),
    ("党的建设", None, "grassroots_burden_score", "基层减负成效评估得分", "分", 2, "efficacy", {"base": 0.6}, "higher", "SFS-ZRJ", Y, "period", ("level", 88, 4), {"max": 100}),
]

# Bonus, deduction and veto inputs (collected, not scored as leaves).
EXTRA = [
    ("honours", "国家级、省级表彰奖励", "项", "SFS-FGW", Y, "period", ("count", 2), {"integer": True}),
    ("criticisms", "上级督查通报批评", "次", "SFS-FGW", Y, "period", ("count", 0.6), {"integer": True}),
    ("major_accident", "较大及以上生产安全事故", "起", "SFS-YJJ", Y, "period", ("count", 0.15), {"integer": True, "jump_pct": 0}),
]

# Published growth rates the economic monitor (kaohe.monitor) reads beside their amounts (collected, not scored).
MONITOR_RATES = [
    ("budget_rev_growth", "一般公共预算收入增速", "%", "SFS-CZJ", M, "ytd", ("growth", 3.5, 3.0), {}),
    ("fdi_growth", "实际使用外资增速", "%", "SFS-SWJ", M, "ytd", ("growth", 3.0, 8.0), {}),
]

BOARDS = [
    ("zhengxian", "争先榜", ["gdp_growth", "ind_va_growth", "services_growth", "fai_growth", "retail_growth", "budget_rev", "new_ind_firms"]),
    ("longhu", "龙虎榜", ["proj_start_rate", "proj_new_start_rate", "proj_invest_schedule_rate", "proj_complete_rate", "proj_stats_rate", "proj_problem_ontime_rate"]),
    ("saima", "赛马榜", ["signed_projects", "signed_1e8", "fdi", "ind_inv_growth"]),
    ("huoli", "活力榜", ["hte_count", "tech_sme", "tech_contracts", "innovation_platforms", "talent_intro", "trade_growth", "export"]),
    ("xiaoneng", "效能榜", ["one_network_rate", "enterprise_requests_rate", "enterprise_satisfaction", "approval_speedup"]),
]

AREA_CODES = {"经济发展": "ECO", "科技创新": "INN", "改革开放": "OPEN", "城乡建设": "URB", "文化建设": "CUL",
              "乡村振兴": "AGR", "生态文明": "ECOL", "民生保障": "LIV", "社会治理": "GOV", "党的建设": "PTY"}


#: 与时俱进调整完善 (2026): growth re-weighted, PM2.5 scored more steeply, 5G base stations dropped,
#: 低空经济 added (to 科技创新).
REVISION_2026 = {"gdp_growth": {"points": 7}, "fai_growth": {"points": 4}, "pm25": {"params": {"base": 0.5}},
                 "base_stations": None}
#: 指标数据来源 (2026): the 龙虎榜 indicators are computed from the projects module's figures.
SOURCED_2026 = {code: "projects" for _a, sub, code, *_rest in IND if sub == "重大项目"}
#: … and its 效能榜 企业诉求 indicators (按期办结率、满意度) from the enterprise-service module.
SOURCED_2026.update({"enterprise_requests_rate": "enterprise", "enterprise_satisfaction": "enterprise"})
#: 公开承诺 (2026): 效能榜 takes 承诺事项兑现率 and 承诺节点按期完成率 from the commitments module (quarterly).
COMMITMENTS_2026 = (
    ("社会治理", None, "commit_completion_rate", "公开承诺事项兑现率", "%", 2, "efficacy", {"base": 0.6}, "higher", None, Q,
     "period", None, {"max": 100}),
    ("社会治理", None, "commit_ontime_rate", "公开承诺节点按期完成率", "%", 2, "goalposts", {"lower": 60, "upper": 100}, "higher",
     None, Q, "period", None, {"max": 100}),
)
SOURCED_2026.update({row[2]: "commitments" for row in COMMITMENTS_2026})
#: … and its 赛马榜 招商 figures from the attraction module: the signed counts, and four leaves of its own
#: (签约→落地, 落地→开工, events held against the plan, bundle completion), the 6 points of 招商 re-split.
SOURCED_2026.update({"signed_projects": "attraction", "signed_1e8": "attraction", "zs_land_rate": "attraction",
                     "zs_start_rate": "attraction", "zs_events_rate": "attraction", "zs_bundle_rate": "attraction"})
ATTRACTION_POINTS_2026 = {"signed_projects": {"points": 2}, "signed_1e8": {"points": 1}}
ATTRACTION_2026 = tuple(
    ("改革开放", None, code, name, "%", points, "efficacy", {"base": 0.6}, "higher", "SFS-TZJ", M, "period", None, {"max": 1000})
    for code, name, points in (("zs_land_rate", "签约项目落地率", 1), ("zs_start_rate", "落地项目开工率", 1),
                               ("zs_events_rate", "招商活动计划完成率", 0.5), ("zs_bundle_rate", "目标任务包完成率", 0.5)))


def with_attraction(content: dict) -> dict:
    """The 2026 赛马榜 also shows the attraction module's four leaves."""
    for board in content["boards"]:
        if board["code"] == "saima":
            board["indicators"] += [row[2] for row in ATTRACTION_2026]
    return content


LOW_ALTITUDE = ("科技创新", None, "low_altitude_firms", "低空经济企业新增数", "家", 1, "rank_ratio", {}, "higher",
                "SFS-GXJ", Q, "ytd", ("count", 4), {})


def scheme_content(year: int, changes: dict[str, dict | None] | None = None, extra: tuple = (),
                   sources: dict[str, str] | None = None) -> dict:
    """The demo scheme as stored: the engine's dict, platform metadata in each leaf's ``platform``.

    ``changes`` maps a leaf code to the keys it takes instead (None drops the leaf); ``extra``
    adds rows in the form of ``IND``; ``sources`` maps a leaf code to the module computing it."""
    changes = changes or {}
    sources = sources or {}
    areas: dict[str, dict] = {}
    subs: dict[tuple, dict] = {}
    for area, sub, code, name, uom, points, method, params, direction, ru, freq, kind, _gen, rules in (*IND, *extra):
        if code in changes and changes[code] is None:
            continue
        if not points:
            continue  # an input of a computed indicator (rd_spend): collected below
        node = areas.setdefault(area, {"code": AREA_CODES[area], "name": area, "children": []})
        parent = node
        if sub:
            key = (area, sub)
            if key not in subs:
                subs[key] = {"code": f"{AREA_CODES[area]}_{len(node['children']) + 1}", "name": sub, "children": []}
                node["children"].append(subs[key])
            parent = subs[key]
        leaf = {"code": code, "name": name, "points": points, "method": method}
        if params:
            leaf["params"] = dict(params)
        if direction == "lower":
            leaf["direction"] = "lower"
        leaf["missing"] = "zero"
        leaf.update(changes.get(code) or {})
        platform: dict = {"unit_of_measure": uom}
        if ru:
            platform.update({"responsible_unit": ru, "frequency": freq, "value_kind": kind})
        else:
            platform.update({"frequency": freq})
        r = dict(rules)
        if _gen and _gen[0] == "growth":
            # a growth rate (增速): negative allowed within a plausible range; its jumps are
            # screened in 百分点 (the engine's rule for rates), not as relative changes
            r.setdefault("min", -50)
            r.setdefault("max", 100)
        elif uom == "%" and _gen and _gen[0] in ("pct", "progress") and "allow_negative" not in r:
            r.setdefault("max", 100)  # a share or completion rate (占比/完成率)
        if r:
            platform["validation"] = r
        if code == "enterprise_satisfaction":  # a survey score: green only from 95% of full marks
            platform["bands"] = {"green": 0.95, "yellow": 0.75}
        if code in sources:
            platform["source"] = sources[code]  # 数据来源: computed by that module, never typed
        leaf["platform"] = platform
        parent["children"].append(leaf)
    collect = [
        {"code": "rd_spend", "name": "研究与试验发展经费支出", "unit_of_measure": "亿元", "responsible_unit": "SFS-KJJ", "frequency": Y, "value_kind": "period", "category": "科技创新"},
    ] + [
        {"code": code, "name": name, "unit_of_measure": uom, "responsible_unit": ru, "frequency": freq, "value_kind": kind,
         **({"validation": rules} if rules else {}), "category": "加减分与否决"}
        for code, name, uom, ru, freq, kind, _gen, rules in EXTRA
    ] + [
        {"code": code, "name": name, "unit_of_measure": uom, "responsible_unit": ru, "frequency": freq, "value_kind": kind,
         "validation": {"min": -50, "max": 100, **rules}, "category": "经济运行监测"}
        for code, name, uom, ru, freq, kind, _gen, rules in MONITOR_RATES
    ]
    return {
        "name": f"示范市{year}年度高质量发展综合考核",
        "year": year,
        "precision": 2,
        "description": "市对区（县、功能区）高质量发展综合考核办法附件：考核指标及评分细则",
        "root": {"children": list(areas.values())},
        "computed": [
            {"code": "gdp_share", "name": "地区生产总值占全市比重", "share": "gdp"},
            {"code": "rd_intensity", "name": "研发经费投入强度", "formula": "rd_spend / gdp * 100"},
        ],
        "bonus": [{"indicator": "honours", "name": "表彰奖励加分", "per": 0.5, "cap": 1.5}],
        "bonus_cap": 2,
        "deduction": [{"indicator": "criticisms", "name": "通报批评扣分", "per": 0.5, "cap": 2}],
        "deduction_cap": 3,
        "veto": [{"indicators": ["major_accident"], "effect": "bar_top_tier", "name": "安全生产一票否决"}],
        "tiers": {"by": "quota", "levels": [{"name": "第一等次", "share": 0.3}, {"name": "第二等次", "share": 0.5}, {"name": "第三等次"}]},
        "boards": [{"code": c, "name": n, "indicators": [i for i in inds if changes.get(i, {}) is not None]}
                   for c, n, inds in BOARDS],
        "platform": {"code": SCHEME_CODE, "collect": collect},
    }


#: 督查督办 (2026): 效能榜 scores 按期办结率、签收及时率、退回重办率 computed by the supervision module; the
#: escalation ladder's yellows and reds are deductions per colour — scheme parameters (practice: two
#: yellows −1, a red −2).
SUPERVISION_2026 = (
    ("社会治理", None, "supervision_ontime_rate", "督办事项按期办结率", "%", 2, "efficacy", {"base": 0.6}, "higher", None, M, "ytd", ("pct", 90, 5), {"max": 100}),
    ("社会治理", None, "supervision_sign_rate", "督办事项签收及时率", "%", 1, "efficacy", {"base": 0.6}, "higher", None, M, "ytd", ("pct", 95, 3), {"max": 100}),
    ("社会治理", None, "supervision_return_rate", "督办事项退回重办率", "%", 1, "efficacy", {"base": 0.6}, "lower", None, M, "ytd", ("pct", 8, 4), {"max": 100}),
)
SUPERVISION_DEDUCTIONS = [
    ("supervision_yellow", "督办黄色催办次数", "督办黄色催办扣分", 0.5, 2),
    ("supervision_red", "督办红色督办次数", "督办红色督办扣分", 2, 4),
]


def _with_supervision(content: dict) -> dict:
    codes = [row[2] for row in SUPERVISION_2026]
    for board in content["boards"]:
        if board["code"] == "xiaoneng":
            board["indicators"] = [*board["indicators"], *codes]
    for code, name, rule, per, cap in SUPERVISION_DEDUCTIONS:
        content["platform"]["collect"].append({"code": code, "name": name, "unit_of_measure": "次", "frequency": M,
                                               "value_kind": "ytd", "category": "加减分与否决", "source": "supervision"})
        content["deduction"].append({"indicator": code, "name": rule, "per": per, "cap": cap})
    return content


def revise_for_2026(year: int, changes: dict | None = None) -> dict:
    """与时俱进调整完善: the 2026 scheme re-weights growth, adds 低空经济, drops 5G base stations, and
    takes its 重大项目 (龙虎榜) indicators from the projects module instead of 发改委's reports, its
    公开承诺 indicators from the commitments module, its 督查督办 indicators and deductions (效能榜)
    from the supervision module and its 招商 indicators (赛马榜) from the attraction module.
    ``changes`` (a draft's further changes) apply on top."""
    sources = {**SOURCED_2026, **{row[2]: "supervision" for row in SUPERVISION_2026}}
    content = scheme_content(year, {**REVISION_2026, **ATTRACTION_POINTS_2026, **(changes or {})},
                             (LOW_ALTITUDE, *COMMITMENTS_2026, *SUPERVISION_2026, *ATTRACTION_2026), sources=sources)
    for board in content["boards"]:
        if board["code"] == "xiaoneng":
            board["indicators"] += [row[2] for row in COMMITMENTS_2026]
    return with_attraction(_with_supervision(content))


# ---- data ----------------------------------------------------------------------------------------


def _gen_specs() -> dict[str, tuple]:
    out = {code: (gen, kind, freq) for _a, _s, code, _n, _u, _p, _m, _pa, _d, ru, freq, kind, gen, _r in IND if gen}
    for code, _n, _u, _ru, freq, kind, gen, _r in (*EXTRA, *MONITOR_RATES):
        out[code] = (gen, kind, freq)
    out[LOW_ALTITUDE[2]] = (LOW_ALTITUDE[12], LOW_ALTITUDE[11], LOW_ALTITUDE[10])
    return out


def momentum(unit_code: str, year: int) -> list[float]:
    """A unit's form month by month (index 0 = January): a slow random walk around 0, its own per
    unit and year, so places move from month to month (a good spring, a weak autumn) without
    jumping about."""
    rng = random.Random(f"momentum-{year}-{unit_code}")
    out, level = [], rng.gauss(0, 0.5)
    for _m in range(12):
        level = 0.75 * level + rng.gauss(0, 0.6)
        out.append(level)
    return out


def _series(rng: random.Random, gen: tuple, kind: str, size: float, strength: float, months: list[int], year: int,
            drift: list[float] | None = None) -> dict[int, float]:
    """Values of one indicator for one unit at the given period-end months (1–12); ``drift`` (see
    :func:`momentum`) moves the unit's strength month by month."""
    tag = gen[0]
    out = {}
    drift = drift or [0.0] * 12
    if tag == "amt":
        base, growth = gen[1], gen[2]
        annual = base * size * (1 + (growth + strength * 2) / 100) ** (year - 2025)
        weights = [0.07, 0.065, 0.085, 0.08, 0.085, 0.09, 0.08, 0.08, 0.085, 0.085, 0.085, 0.11]
        cum = 0.0
        for m in range(1, 13):
            month_value = annual * weights[m - 1] * (1 + rng.gauss(0, 0.03) + 0.12 * drift[m - 1])
            cum += month_value
            if m in months:
                out[m] = round(cum if kind == "ytd" else (annual if len(months) == 1 else month_value), 2)
    elif tag == "growth":
        mean, sd = gen[1], gen[2]
        level = mean + strength * sd + rng.gauss(0, sd * 0.4)
        for m in months:
            out[m] = round(level + drift[m - 1] * sd * 0.8 + rng.gauss(0, sd * 0.6) * (12 - m + 1) / 12, 1)
    elif tag == "pct":
        mean, sd = gen[1], gen[2]
        level = mean + strength * sd * 0.8
        for m in months:
            out[m] = round(min(level + drift[m - 1] * sd * 0.6 + rng.gauss(0, sd * 0.3), 100 if mean <= 100 else 1e9), 1)
    elif tag == "progress":
        end, sd = gen[1], gen[2]
        final = min(100.0, end + strength * sd + rng.gauss(0, sd * 0.3))
        for m in months:
            out[m] = round(max(0.0, min(100.0, final * (0.35 + 0.65 * m / 12) + drift[m - 1] * sd * 0.6 + rng.gauss(0, 1.0))), 1)
    elif tag == "count":
        annual = gen[1] * size * (1 + 0.15 * strength)
        cum = 0
        for m in range(1, 13):
            expected = annual * m / 12 * (1 + 0.1 * drift[m - 1])
            cum = max(cum, int(round(expected + rng.gauss(0, max(0.3, annual * 0.03)))))
            if m in months:
                out[m] = float(max(cum, 0)) if kind == "ytd" else float(max(0, int(round(annual + rng.gauss(0, max(0.3, annual * 0.08))))))
    elif tag == "level":
        mean, sd = gen[1], gen[2]
        level = mean + strength * sd * 0.7
        for m in months:
            out[m] = round(level + drift[m - 1] * sd * 0.6 + rng.gauss(0, sd * 0.3), 1)
    return out


def _months_of(freq: str, last_month: int) -> list[int]:
    if freq == M:
        return list(range(1, last_month + 1))
    if freq == Q:
        return [m for m in (3, 6, 9, 12) if m <= last_month]
    return [12] if last_month == 12 else []


def _period_for(periods: dict, year: int, freq: str, month: int) -> Period:
    if freq == M:
        return periods[(year, PeriodKind.MONTH, month)]
    if freq == Q:
        return periods[(year, PeriodKind.QUARTER, month // 3)]
    return periods[(year, PeriodKind.YEAR, 1)]


def load(ctx) -> None:
    if Scheme.objects.filter(owner_unit__code="SFS", code=SCHEME_CODE, year=ctx.year).exists():
        ctx.log("  assessment: already loaded")
    else:
        with transaction.atomic():
            _load(ctx)
    if not Scheme.objects.filter(owner_unit__code=DISTRICT, year=ctx.year).exists():
        with transaction.atomic():
            _load_district(ctx)


# ---- 明湖区: a district running its own assessment of its streets (区对街道) -------------------

DISTRICT = "SFS-MH"
DISTRICT_GROUP = "MH-JD"
#: The city's indicators 明湖区 passes down to its streets: growth and efficiency indicators ranked,
#: the amounts and counts the city assigned as targets decomposed (目标分解) among the streets.
DISTRICT_INDICATORS = ["gdp_growth", "fai_growth", "retail", "budget_rev", "fdi", "signed_projects",
                       "old_community", "jobs", "enterprise_satisfaction", "pm25"]


def _load_district(ctx) -> None:
    """明湖区's 2025 scheme derived from the city's, targets decomposed, its streets' 2025 data."""
    User = get_user_model()
    office = User.objects.filter(username="kaoheban_mh").first()
    district = OrgUnit.objects.filter(code=DISTRICT).first()
    group = PeerGroup.objects.filter(year=ctx.year, code=DISTRICT_GROUP).first()
    source = (IndicatorSpec.objects.filter(version__scheme__owner_unit__code="SFS", version__scheme__code=SCHEME_CODE,
                                           version__scheme__year=ctx.year, version__status="adopted")
              .select_related("version__scheme").first())
    if district is None or group is None or source is None:
        return
    source = source.version
    version = derivation.derive_scheme(source, district, DISTRICT_INDICATORS, user=office, peer_groups=[group],
                                       name=f"明湖区{ctx.year}年度高质量发展综合考核（对街道）")
    streets = derivation.towns_of(version)
    rng = random.Random(f"district-{DISTRICT}")
    # A street's size (its share of the district) and strength are its own.
    size = {u.pk: rng.uniform(0.6, 1.6) for u in streets}
    strength = {u.pk: rng.gauss(0, 1) for u in streets}
    splits = {a.spec.code: derivation.proportional_split(a.assigned, {k: Decimal(str(round(v, 3))) for k, v in size.items()}, a.digits)
              for a in derivation.assignments(version) if a.assigned is not None}
    derivation.decompose_targets(version, splits, user=office)
    schemes.adopt(version, user=office)
    services.ensure_periods(district, ctx.year, user=office)
    periods = {(p.year, p.kind, p.number): p for p in services.periods_of(district, ctx.year)}
    gens = _gen_specs()
    whole = sum(size.values())
    rows: list[DataValue] = []
    for spec in version.indicators.filter(is_collected=True):
        gen, _kind, _freq = gens[spec.code]
        months = _months_of(spec.frequency, 12)
        for street in streets:
            urng = random.Random(f"{ctx.year}-{street.code}-{spec.code}")
            target = splits.get(spec.code, {}).get(street.pk)
            if target is not None and gen[0] in ("amt", "count"):
                # Calibrated on the street's own target: some beat it, some fall short.
                annual = float(target) * urng.uniform(0.9, 1.12)
                series = _series(urng, gen, spec.value_kind, annual / gen[1], 0.0, months, ctx.year)
            else:
                series = _series(urng, gen, spec.value_kind, size[street.pk] / whole, strength[street.pk], months, ctx.year)
            if spec.unit_of_measure in COUNT_UNITS:
                series = {m: float(round(v)) for m, v in series.items()}
            for m, value in series.items():
                rows.append(DataValue(version=version, unit=street, indicator=spec.code, kind=spec.value_kind,
                                      period=_period_for(periods, ctx.year, spec.frequency, m),
                                      value=Decimal(str(value)), updated_by=office, revision=1))
    DataValue.objects.bulk_create(rows, batch_size=2000)
    record(AuditAction.IMPORT, None, object_type=DataValue, parent=version, unit=version.scheme.owner_unit,
           object_repr=f"明湖区{ctx.year} 演示数据 {len(rows)} 项", after={"rows": len(rows), "source": "demo"}, user=office)
    # 明湖区's office collected everything itself; the year is approved and locked.
    at = dt.datetime(ctx.year + 1, 1, 10, 9, 0, tzinfo=dt.UTC)
    due = {spec.frequency for spec in version.indicators.filter(is_collected=True)}
    kinds = {PeriodKind.MONTH: M, PeriodKind.QUARTER: Q, PeriodKind.YEAR: Y}
    Submission.objects.bulk_create([
        Submission(version=version, responsible_unit=district, period=p, status=SubmissionStatus.LOCKED,
                   submitted_at=at, submitted_by=office, reviewed_at=at, reviewed_by=office)
        for (_y, kind, _n), p in sorted(periods.items()) if kinds.get(kind) in due
    ])
    Period.objects.filter(pk__in=[p.pk for p in periods.values()]).update(status=PeriodStatus.LOCKED)
    ctx.log(f"  assessment: 明湖区 scheme ({len(DISTRICT_INDICATORS)} indicators from the city's), "
            f"targets decomposed among {len(streets)} streets, {len(rows)} values")


def _load(ctx) -> None:
    User = get_user_model()
    office = User.objects.filter(username="kaoheban").first()
    city = ctx.city or OrgUnit.objects.filter(code="SFS").first()
    for year in (ctx.year, ctx.current_year):
        services.ensure_periods(city, year, user=office)
    periods = {(p.year, p.kind, p.number): p
               for p in services.periods_of(city).filter(year__in=[ctx.year, ctx.current_year])}

    groups = {y: list(PeerGroup.objects.filter(year=y, code__in=GROUPS)) for y in (ctx.year, ctx.current_year)}
    v2025 = schemes.import_scheme(scheme_content(ctx.year), user=office, code=SCHEME_CODE, peer_groups=groups[ctx.year],
                                  owner_unit=city, reason="市考核办印发")
    schemes.adopt(v2025, user=office)
    v2026 = schemes.clone_to_year(v2025, ctx.current_year, user=office)
    schemes.update_draft(v2026, revise_for_2026(ctx.current_year), user=office,
                         reason="与时俱进调整完善考核办法：提高经济增速权重，新增低空经济，取消5G基站")
    v2026.peer_groups.set(groups[ctx.current_year])
    schemes.adopt(v2026, user=office)
    # A pending revision, to show drafts and the diff.
    draft = schemes.new_version(v2026, reason="拟将营商环境指标并入效能榜（征求意见稿）", user=office)
    # the adopted 2026 scheme with only 企业服务满意度 changed
    content = revise_for_2026(ctx.current_year, {"enterprise_satisfaction": {"points": 5}})
    schemes.update_draft(draft, content, user=office)

    rng = random.Random(ctx.rng.random())
    gens = _gen_specs()
    now = timezone.now()
    for version, last_month in ((v2025, 12), (v2026, 10)):
        year = version.scheme.year
        units = services.assessed_units(version)
        # A unit's size and strength are its own, year after year (so 同比 is plausible).
        size = {u.code: random.Random(f"size-{u.code}").uniform(0.45, 0.8) if u.code in ("SFS-GX", "SFS-JK", "SFS-XQ")
                else random.Random(f"size-{u.code}").uniform(0.75, 1.5) for u in units}
        strength = {u.code: random.Random(f"strength-{u.code}").gauss(0, 1) + rng.gauss(0, 0.3) for u in units}
        specs = {s.code: s for s in version.indicators.filter(is_collected=True)}
        rows: list[DataValue] = []
        for spec in specs.values():
            if spec.source:
                continue  # computed from its module below (指标数据来源), never typed
            gen, kind, freq = gens.get(spec.code, (("pct", 90, 3), "period", spec.frequency))
            months = _months_of(spec.frequency, last_month)
            if not months:
                continue
            for unit in units:
                urng = random.Random(f"{year}-{unit.code}-{spec.code}")
                series = _series(urng, gen, spec.value_kind, size[unit.code], strength[unit.code], months, year,
                                 drift=momentum(unit.code, year))
                if spec.code == "retail" and unit.code == "SFS-TY":
                    # 桃源县: a suspiciously smooth series (the same increment every month).
                    step = round(series[months[-1]] / len(months), 1) if spec.value_kind == "ytd" else 0
                    series = {m: round(step * m, 1) for m in months}
                if spec.code == "export" and "trade" in specs:
                    continue  # generated with trade below (a part ≤ its total)
                for m, value in series.items():
                    explanation = ""
                    if year == ctx.current_year and spec.code == "fai_growth" and unit.code == "SFS-LJ" and m == 9:
                        value = 85.0  # 临江区: an outlier (a large project's equipment purchase)
                        explanation = "临江港二期集中采购设备计入当月投资，属一次性因素。"
                    rows.append(DataValue(version=version, unit=unit, indicator=spec.code, period=_period_for(periods, year, spec.frequency, m),
                                          value=Decimal(str(value)), kind=spec.value_kind, explanation=explanation,
                                          updated_by=office, revision=1))
                    if spec.code == "trade":
                        share = 0.55 + 0.1 * urng.random()
                        rows.append(DataValue(version=version, unit=unit, indicator="export", period=_period_for(periods, year, spec.frequency, m),
                                              value=Decimal(str(round(value * share, 2))), kind=spec.value_kind, updated_by=office, revision=1))
        # October 2026 is in progress: leave the units that have not submitted partly empty.
        open_units: set[str] = set()
        if year == ctx.current_year:
            month10 = periods[(year, PeriodKind.MONTH, 10)]
            open_units = {"SFS-RSJ", "SFS-CGJ", "SFS-STJ"}
            drop = {s.code for s in specs.values() if s.responsible_unit and s.responsible_unit.code in open_units}
            rows = [r for r in rows if not (r.period_id == month10.pk and r.indicator in drop and r.unit.code in ("SFS-BS", "SFS-TY", "SFS-PC"))]
        DataValue.objects.bulk_create(rows, batch_size=2000)
        record(AuditAction.IMPORT, None, object_type=DataValue, parent=version, unit=version.scheme.owner_unit,
               object_repr=f"{year} 演示数据 {len(rows)} 项", after={"rows": len(rows), "source": "demo"}, user=office)
        sourced = 0
        for (py, kind, number), period in sorted(periods.items()):
            if py == year and (kind == PeriodKind.MONTH and number <= last_month
                               or kind == PeriodKind.QUARTER and number <= last_month // 3):
                sourced += services.compute_sourced_values(version, period, user=office).saved
        if sourced:
            ctx.log(f"  assessment: {year} sourced indicators computed from the modules ({sourced} values)")
        _targets(version, specs, units, rng)
        _submissions(ctx, version, periods, last_month, open_units, office, now)
    # Periods: 2025 locked; 2026 locked to September, October open.
    for p in periods.values():
        if p.year == ctx.year or p.end < dt.date(ctx.current_year, 10, 1):
            p.status = PeriodStatus.LOCKED
        elif p.kind == PeriodKind.MONTH and p.number == 10:
            p.status = PeriodStatus.OPEN
    Period.objects.bulk_update(list(periods.values()), ["status"])
    ctx.log(f"  assessment: schemes 2025/2026 ({v2025.indicators.count()} indicators), "
            f"{DataValue.objects.count()} values, {Submission.objects.count()} submissions")


def _targets(version, specs, units, rng) -> None:
    rows = []
    values = defaultdict(dict)
    year_end = services.periods_of(version.scheme.owner_unit_id, version.scheme.year).filter(kind=PeriodKind.MONTH, number=12).first()
    for code, unit_id, value in DataValue.objects.filter(version=version).values_list("indicator", "unit_id", "value"):
        values[code][unit_id] = max(values[code].get(unit_id, Decimal(0)), value or Decimal(0))
    for code, spec in specs.items():
        if spec.method != "target":
            continue
        for unit in units:
            reached = values[code].get(unit.pk)
            if reached is None:
                continue
            # Targets near what the year will bring: some units beat them, some fall short.
            factor = Decimal(str(round(rng.uniform(0.92, 1.08), 3)))
            if year_end is None or spec.value_kind != "ytd" or version.scheme.year == 2025:
                target = (reached * factor).quantize(Decimal("0.01"))
            else:
                target = (reached * Decimal("1.2") * factor).quantize(Decimal("0.01"))
            if spec.code == "signed_projects":
                target = Decimal(int(target))
            rows.append(Target(version=version, unit=unit, indicator=code, target=target))
    Target.objects.bulk_create(rows)


def _submissions(ctx, version, periods, last_month, open_units, office, now) -> None:
    """Every responsible unit's submission per due period; 2025 locked, 2026 to September locked."""
    year = version.scheme.year
    due: dict[str, set[int]] = defaultdict(set)
    for ru_id, freq in version.indicators.filter(is_collected=True, responsible_unit__isnull=False).values_list("responsible_unit_id", "frequency"):
        due[freq].add(ru_id)
    from kaohe.orgs.models import Person

    users = {p.unit_id: p.user for p in Person.objects.filter(role="submitter").select_related("user")}
    subs = []
    late_units = {"SFS-WLJ", "SFS-XFJ"}
    ru_codes = dict(OrgUnit.objects.values_list("pk", "code"))
    for (py, kind, number), period in periods.items():
        if py != year:
            continue
        freq = {PeriodKind.MONTH: M, PeriodKind.QUARTER: Q, PeriodKind.YEAR: Y}.get(kind)
        if freq is None or period.end.month > last_month or (kind == PeriodKind.YEAR and last_month < 12):
            continue
        for ru_id in sorted(due[freq]):
            code = ru_codes[ru_id]
            late = code in late_units and number % 4 == 1
            submitted_at = dt.datetime.combine(period.deadline + dt.timedelta(days=4 if late else -1), dt.time(8, 30), tzinfo=dt.UTC)
            status = SubmissionStatus.LOCKED
            reviewed = submitted_at + dt.timedelta(days=1)
            if year == ctx.current_year and kind == PeriodKind.MONTH and number == 10:
                if code in open_units:
                    status, submitted_at, reviewed = SubmissionStatus.DRAFT, None, None
                elif code == "SFS-SWJ":
                    status = SubmissionStatus.RETURNED
                elif code in ("SFS-TJJ", "SFS-FGW"):
                    status, reviewed = SubmissionStatus.SUBMITTED, None
                else:
                    status = SubmissionStatus.APPROVED
            elif year == ctx.current_year and period.end >= dt.date(year, 10, 1):
                status, submitted_at, reviewed = SubmissionStatus.DRAFT, None, None
            subs.append(Submission(
                version=version, responsible_unit_id=ru_id, period=period, status=status,
                reason="出口数据与海关口径不一致，请核实后重新报送" if status == SubmissionStatus.RETURNED else "",
                submitted_at=submitted_at, submitted_by=users.get(ru_id) if submitted_at else None,
                reviewed_at=reviewed, reviewed_by=office if reviewed else None,
            ))
    Submission.objects.bulk_create(subs)
    if year == ctx.current_year:
        month10 = periods[(year, PeriodKind.MONTH, 10)]
        for sub in Submission.objects.filter(version=version, period=month10, status=SubmissionStatus.DRAFT):
            Reminder.objects.create(submission=sub, message=f"请于{month10.deadline:%m月%d日}前完成{month10.label}数据报送。", sent_by=office)
        from kaohe.assessment.quality import screen_submission

        # The engine's screening on October's submitted data and on 统计局's September (the outlier).
        for sub in Submission.objects.filter(version=version, period=month10, responsible_unit__code__in=["SFS-TJJ", "SFS-SWJ"]):
            screen_submission(sub)
        for sub in Submission.objects.filter(version=version, period=periods[(year, PeriodKind.MONTH, 9)], responsible_unit__code="SFS-TJJ"):
            screen_submission(sub)
    if not QualityFinding.objects.exists() and year == ctx.current_year:
        sub = Submission.objects.filter(version=version, responsible_unit__code="SFS-TJJ", period=periods[(year, PeriodKind.MONTH, 9)]).first()
        if sub is not None:
            lj = OrgUnit.objects.filter(code="SFS-LJ").first()
            QualityFinding.objects.create(submission=sub, unit=lj, indicator="fai_growth", code="history_outlier", severity="warning",
                                          message="临江区固定资产投资增速 85% 明显偏离其历史水平", message_en="Linjiang's investment growth of 85% is far from its own history")


def spec_count(version) -> int:
    return IndicatorSpec.objects.filter(version=version).count()

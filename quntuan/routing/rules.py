"""The catalogue's boundary logic as explicit routing rules.

The statistical model learns from words; these rules encode *who* a matter belongs to when the
same words could point to several organizations (seed 001: the functions overlap). A rule fires
only when it is certain, and then it overrides the model for the first place. Each hit carries a
short Chinese reason that staff can read.

Order matters: the first rule that fires decides. Family violence comes before labour (a husband
who beats his wife is not a labour matter even if he "didn't pay"), labour comes before who asks
(a woman, a young person or a disabled person with unpaid wages all go to the union), and the
government catch-all comes last and only when nothing from a mass organization is in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class RuleHit:
    category: str
    reason: str
    rule: str


def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _find(rx: re.Pattern, text: str) -> str | None:
    m = rx.search(text)
    return m.group(0) if m else None


# --- family violence and harm inside the family → 妇联 ------------------------------------------
FAMILY_VIOLENCE = _rx(
    r"家暴|家庭暴力|人身安全保护令|保护令|打老婆|殴打妻子|打妻子|虐待(妻子|老婆|孩子|儿童|女儿|儿子)"
    r"|(爸爸|妈妈|父亲|母亲|他爸|她爸|孩子爸|孩子妈)[^。!?\n]{0,8}(打孩子|虐待|殴打孩子|把孩子打|打得孩子|用皮带抽)"
    r"|(丈夫|老公|前夫|男友|男朋友|对象|公公|婆婆|继父|继母|后妈|后爸)[^。!?\n]{0,12}"
    r"(打我|打她|殴打|动手|抽她|抽我|踢|掐|施暴|拳打脚踢|用皮带|打得|打伤|家暴)"
)
# --- harm to a minor at school, online or in society → 团委 12355 --------------------------------
MINOR_HARM = _rx(
    r"校园欺凌|霸凌|被同学[^。!?\n]{0,12}(打|欺负|勒索|孤立|推搡|拍|威胁|要钱)"
    r"|同(班|学|校)[^。!?\n]{0,10}(打|欺负|勒索|孤立|推搡|殴打|起外号|嘲笑)"
    r"|(孩子|儿子|女儿|学生|未成年)[^。!?\n]{0,16}(网络|网上|游戏|短视频|直播)[^。!?\n]{0,12}(骗|诈骗|侵害|充值|打赏|裸|威胁|嘲笑)"
    r"|被[^。!?\n]{0,6}(拍|录)[^。!?\n]{0,10}(发到|传到)[^。!?\n]{0,10}(网|平台|群)"
)
# --- a labour relation → 工会, whoever asks -------------------------------------------------------
LABOUR_TOPIC = _rx(
    r"欠薪|讨薪|拖欠工资|工资|工钱|薪水|薪资|劳动合同|工伤|社保|社会保险|五险|加班费|加班|"
    r"辞退|劝退|开除|解雇|解除劳动|裁员|经济补偿|赔偿金|试用期|劳动仲裁|劳动争议|绩效"
)
LABOUR_DISPUTE = _rx(
    r"欠|拖|不给|没给|没发|不发|未发|停发|扣|克扣|辞退|开除|解雇|解除|不签|没签|未签|不缴|没缴|没交|"
    r"未缴|不交|断缴|认定|受伤|摔伤|砸伤|赔偿|不认|被迫|不算|怎么算|不付|少发|降薪|辞职|离职|维权|仲裁|"
    r"裁员|劝退|跑了|跑路|追讨|要回|不退|压|逼"
)
EMPLOYER = _rx(
    r"公司|厂|单位|老板|包工头|工地|企业|店|雇主|车间|项目|平台|酒店|餐馆|饭店|超市|工头|老板娘|上班|"
    r"员工|职工|工友|打工|干活|入职|用人|劳务|主管|领导|经理|HR|hr|人事"
)
LABOUR_EXCLUDE = _rx(
    r"按比例|养老金|退休金|医保报销|高温|防暑|降温费|结清|救助|困难职工|助学|会费|入会|"
    r"护理补贴|生活补贴|没纠纷|全部拿到|已经办完|都已经办完"
)
# --- student aid depends on the parent -----------------------------------------------------------
STUDENT_AID = _rx(r"助学|资助|学费|奖学金|助学金|上不起学|供不起|读不起|交不起学费|圆梦")
AID_UNION = _rx(r"金秋|职工子女|困难职工|一线职工|在厂里|厂里干|工龄|单位工会|工会会员")
AID_GIRL = _rx(r"春蕾|女童|女孩|小姑娘")
AID_HOPE = _rx(r"希望工程|圆梦助学|大学新生|考上大学|研究生")
# --- job training depends on who ------------------------------------------------------------------
TRAINING = _rx(r"培训|学技术|学手艺|学门手艺|学门技术|技能|见习|学一门")
WHO_DISABLED = _rx(r"残疾|残障|盲人|视障|聋|肢残|智障|智力障碍|截肢|坐轮椅")
WHO_WOMEN = _rx(r"家政|月嫂|育婴|手工|巾帼|宝妈|妇女创业|女性创业|全职妈妈|姐妹们")
WHO_YOUTH = _rx(r"毕业生|应届|大学生|刚毕业|毕业|青年|见习")
WHO_WORKER = _rx(r"职工|工人|下岗|失业|转岗|在岗|师傅|车间|岗位")
# --- volunteering ---------------------------------------------------------------------------------
VOLUNTEER = _rx(
    r"志愿(者|服务)?[^。!?\n]{0,12}(注册|时长|证明|小时|账号)|(注册|批量注册)[^。!?\n]{0,8}志愿"
)
# --- disability services --------------------------------------------------------------------------
DIS_SUBSIDY = _rx(r"护理补贴|生活补贴|残疾人补贴|两项补贴")
DIS_CERT = _rx(r"残疾人?证[^。!?\n]{0,14}(办|换|补|到期|过期|遗失|丢|评定|迁|申请|审核|领)"
               r"|(办|换|补|申领|申请)[^。!?\n]{0,6}残疾人?证|残疾评定|评残")
DIS_CERT_ASK = _rx(r"(去|能|可以|想|怎么|能不能)办(个|一个)?残疾人?证|评残|残疾评定|够不够")
DIS_REHAB = _rx(r"轮椅|助听器|假肢|助视器|辅助器具|辅具|康复训练|康复救助|人工耳蜗|盲杖|矫形器|拐杖|助行器")
CONSUMER = _rx(r"专卖店|退货|自费买|商家|店里")
DIS_ACCESS = _rx(r"盲道|无障碍|坡道|坡到|太陡|直梯|(电梯|升降)[^。!?\n]{0,6}(停用|坏)")
# --- government matters ---------------------------------------------------------------------------
GOVERNMENT = _rx(
    r"物业费|噪音扰民|噪声|扰民|医保卡|医保报销|户口|落户|税务|个税|城管|道路|路面|井盖|路灯|消费者|退费|退款|"
    r"养老金|退休金|学位|转学|自来水|停水|停电|违建|违章|占道|油烟|12345|房产证|不动产|退货"
)
MASS_SIGNAL = _rx(
    r"残疾|盲|聋|侨|家暴|打老婆|殴打|性骚扰|尾随|偷拍|母婴室|哺乳室|志愿|团员|入团|两癌|工会会员|"
    r"科普|欺凌|霸凌|工伤|欠薪|拖欠工资|工钱|助学|妇联帮|巾帼"
)
PREGNANT_WORKER = _rx(r"(怀孕|孕期|哺乳期|产假)[^。!?\n]{0,20}(调岗|车间|岗位|单位|主任|公司|厂)"
                      r"|(调岗|车间|岗位|单位|主任|公司|厂)[^。!?\n]{0,20}(怀孕|孕期|哺乳期)")
QUOTA_EMPLOYMENT = _rx(r"按比例就业|按比例安排|残保金|残疾人就业保障金")
NURSING_ROOM = _rx(r"母婴室")
ROOTS = _rx(r"寻根|寻亲|找亲人|找老家|找找老家|祖籍地?|老家[^。!?\n]{0,8}(亲戚|宗亲|祠堂)")
HARASSMENT = _rx(r"性骚扰|尾随|偷拍|露骨|猥亵|跟踪")
WORKPLACE = _rx(r"领导|同事|上司|主管|老板|公司|单位|厂")


def route_rules(text: str) -> RuleHit | None:
    """The first certain rule for ``text``, or None when no rule is sure."""
    t = text or ""
    if not t.strip():
        return None

    w = _find(FAMILY_VIOLENCE, t)
    if w:
        return RuleHit("women.rights", f"家庭内部暴力或侵害(“{w}”)由妇联受理", "family_violence")

    w = _find(MINOR_HARM, t)
    if w:
        return RuleHit("youth.care", f"未成年人在学校、网络或社会上受到侵害(“{w}”)由团委12355跟进", "minor_harm")

    topic = _find(LABOUR_TOPIC, t)
    if topic and not LABOUR_EXCLUDE.search(t):
        dispute = _find(LABOUR_DISPUTE, t)
        employer = _find(EMPLOYER, t)
        if dispute and employer:
            return RuleHit(
                "union.legal",
                f"劳动关系争议(“{topic}”“{dispute}”,涉及用人方“{employer}”),无论求助人身份均由工会维权",
                "labour_relation",
            )

    if (w := _find(PREGNANT_WORKER, t)) and not re.search(r"关爱室|哺乳室|哺乳场所|母婴室", t):
        return RuleHit("union.safety", f"孕期哺乳期女职工的特殊劳动保护(“{w}”)由工会受理", "labour_protection")
    if w := _find(QUOTA_EMPLOYMENT, t):
        return RuleHit("disabled.employment", f"用人单位按比例安排残疾人就业(“{w}”)由残联受理", "disability")
    if (w := _find(NURSING_ROOM, t)) and not WORKPLACE.search(t):
        return RuleHit("women.health", f"公共场所母婴室(“{w}”)由妇联受理", "nursing_room")
    if (w := _find(ROOTS, t)) and not re.search(r"投资|创业|办厂", t) and re.search(r"侨|海外|国外|美国|回国|华裔|祖籍", t):
        return RuleHit("overseas.liaison", f"海外侨胞寻根寻亲(“{w}”)由侨联受理", "roots")

    if w := _find(VOLUNTEER, t):
        return RuleHit("youth.volunteer", f"志愿者注册或服务时长证明(“{w}”)由团委受理", "volunteer")

    if STUDENT_AID.search(t) and not WHO_DISABLED.search(t):
        if w := _find(AID_UNION, t):
            return RuleHit("union.hardship", f"职工子女助学(金秋助学,“{w}”)由工会受理", "student_aid")
        if w := _find(AID_GIRL, t):
            return RuleHit("women.children", f"女童助学(春蕾计划,“{w}”)由妇联受理", "student_aid")
        if w := _find(AID_HOPE, t):
            return RuleHit("youth.study", f"希望工程助学(“{w}”)", "student_aid")

    if _find(TRAINING, t):
        if w := _find(WHO_DISABLED, t):
            return RuleHit("disabled.employment", f"残疾人就业培训(“{w}”)由残联受理", "training")
        if w := _find(WHO_WOMEN, t):
            return RuleHit("women.entrepreneur", f"妇女创业就业和家政技能培训(“{w}”)由妇联受理", "training")

    if w := _find(DIS_ACCESS, t):
        return RuleHit("disabled.access", f"无障碍设施(“{w}”)由残联受理", "disability")
    if w := _find(DIS_SUBSIDY, t):
        if WHO_DISABLED.search(t):
            return RuleHit("disabled.subsidy", f"残疾人补贴(“{w}”)由残联受理", "disability")
    if w := _find(DIS_CERT_ASK, t):
        return RuleHit("disabled.certificate", f"残疾人证办理和评定(“{w}”)由残联受理", "disability")
    if (w := _find(DIS_REHAB, t)) and not CONSUMER.search(t):
        return RuleHit("disabled.rehab", f"康复和辅助器具(“{w}”)由残联受理", "disability")
    if w := _find(DIS_CERT, t):
        return RuleHit("disabled.certificate", f"残疾人证办理(“{w}”)由残联受理", "disability")

    if (w := _find(HARASSMENT, t)) and not WORKPLACE.search(t):
        return RuleHit("women.rights", f"劳动关系以外的性骚扰或侵害(“{w}”)由妇联受理", "harassment")

    return None


def government_hint(text: str) -> RuleHit | None:
    """A soft hint (never an override): the text names a government matter and nothing that
    belongs to a mass organization. The model decides; this only adds weight and a reason."""
    t = text or ""
    if (w := _find(GOVERNMENT, t)) and not MASS_SIGNAL.search(t):
        return RuleHit("other.government", f"政府部门职责事项(“{w}”),登记后转办", "government")
    return None

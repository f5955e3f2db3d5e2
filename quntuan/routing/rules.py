"""The catalogue's boundary logic as explicit routing rules.

The statistical model learns from words; these rules encode *who* a matter belongs to when the
same words could point to several organizations (seed 001: the functions overlap). The surface
words of a request often name the wrong organization: the requester addresses the women's
federation about unpaid wages, says they are disabled when the matter is a noisy neighbour, or
mentions the union while asking for a school place. The rules therefore look at the matter and
its counterparty (an employer, a family member, classmates, a landlord), not at who asks.

Two tiers:

``route_rules`` — *certain* rules. The first one that fires overrides the model for the first
place. Order matters: harm to a minor by classmates or strangers comes first (the parent who
reports it is not the offender), then harm inside the family, which comes before labour (a husband who beats his wife
is not a labour matter even if he "didn't pay"), labour comes before who asks (a woman, a young
person or a disabled person with unpaid wages all go to the union), a certain government matter
(school places, housing, landlords, noise, medical insurance...) goes out whoever asks, unless a
mass organization's own service is named.

``cues`` — *soft* topic cues: words that name one category's own service (两癌筛查, 入团, 学会,
职工之家...). They add weight to the model's probability and give the reason, but a confident
model can still win.

Both skip a trigger that is negated just before it (没有家暴, 不是工伤).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_QUOTED = re.compile(r"“([^”]*)”")


def tidy_reason(reason: str) -> str:
    """The reason as staff read it: quoted cues of one character (“拖”, “厂”) or contained in
    another cue of the same reason (“欠薪” beside “拖欠工资欠薪”) are left out, and so are the
    brackets and commas they leave behind."""
    cues = _QUOTED.findall(reason)
    if not cues:
        return reason
    kept: set[str] = set()
    for i, c in enumerate(cues):
        if len(c) < 2 or c in kept:
            continue
        if any(c in o and c != o for j, o in enumerate(cues) if j != i):
            continue
        kept.add(c)

    def keep(m: re.Match) -> str:
        c = m.group(1)
        if c in kept:
            kept.discard(c)  # once only
            return m.group(0)
        return ""

    out = _QUOTED.sub(keep, reason)
    out = re.sub("([(\uff08])[,\uff0c\u3001]+", r"\1", out)  # "(,涉及" -> "(涉及"
    out = re.sub("[,\uff0c\u3001]+([)\uff09])", r"\1", out)  # "工资,)" -> "工资)"
    out = re.sub("[(\uff08][)\uff09]", "", out)  # empty brackets
    return out


@dataclass(frozen=True)
class RuleHit:
    category: str
    reason: str
    rule: str

    def __post_init__(self):
        object.__setattr__(self, "reason", tidy_reason(self.reason))


def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern)


_NEGATION = _rx(r"(没有|没|不是|并非|并没有|不存在|无|未|不算|谈不上|从不|从没|从来没|不会)$")
# a negation inside the match, right before its trigger word: 老公感情很好,没有家暴
_NEGATED_INSIDE = _rx(
    r"(没有|没|不是|并非|从不|从没|从来没|不会|不存在)(家暴|动手|打过|打我|打她|打孩子|殴打|虐待|欺负|欺凌|霸凌)"
)
S = r"[^。!?!?\n]"  # inside one sentence


def _find(rx: re.Pattern, text: str, *, negatable: bool = False) -> str | None:
    """The first match of ``rx`` in ``text``; with ``negatable`` a match right after a negation
    (没有家暴, 不是工伤) does not count."""
    for m in rx.finditer(text):
        if negatable and (
            _NEGATION.search(text[max(0, m.start() - 3) : m.start()]) or _NEGATED_INSIDE.search(m.group(0))
        ):
            continue
        return m.group(0)
    return None


# --- harm inside the family → 妇联 ---------------------------------------------------------------
_KIN = (
    r"丈夫|老公|前夫|男友|男朋友|前男友|未婚夫|公公|婆婆|继父|继母|后妈|后爸|老伴|"
    r"儿子|儿媳|女婿|爸爸|妈妈|父亲|母亲|他爸|她爸|孩子爸|孩子妈|孩子他爸|婆家|娘家人|小叔子"
)
_HURT = (
    r"打我|打她|打他|打孩子|打妈妈|打我妈|殴打|动手|抽她|抽我|踢|掐|施暴|拳打脚踢|用皮带|打得|打伤|"
    r"打骂|打了我|打了她|打了孩子|推搡|推倒|推我|推她|推他|虐待|不轨|性侵|猥亵|摸她|摸我|家暴|不给饭|不给吃|关在门外|赶出家门|拿刀|威胁要杀|砸我|砸东西|拿东西砸"
)
FAMILY_VIOLENCE = _rx(
    r"家暴|家庭暴力|人身安全保护令|保护令|打老婆|殴打妻子|打妻子|虐待(妻子|老婆|孩子|儿童|女儿|儿子|老人)"
    rf"|(被|遭)({_KIN}|老婆|妻子|媳妇|爱人){S}{{0,4}}(打|虐待|殴打|推|关)"
    rf"|({_KIN}){S}{{0,20}}({_HURT})"
    r"|(打骂|毒打|虐待|(经常|天天|总是|老是)打)(他|她)(家)?[^。!?\n，,]{0,8}(儿子|女儿|孩子|闺女)"  # 男主人打骂他十岁的儿子
)
MARITAL_PROPERTY = _rx(
    rf"(离婚|婚内|夫妻|老公|丈夫|前夫|前妻|男方){S}{{0,24}}(房子|房产|存款|财产|车(?![间床队站位])|股份|彩礼|积蓄|共同)"
    rf"{S}{{0,12}}(转移|转走|偷偷|卖了|藏|隐瞒|独占|不分|霸占|过户|一分|不给|拿走|抵押|要回|分割)"
    rf"|(离婚|婚内|老公|丈夫|前夫|男方){S}{{0,8}}(隐瞒|转移|偷偷卖|藏起|霸占|独占|过户){S}{{0,12}}"
    r"(房子|房产|存款|财产|车子|股份|积蓄)"
)
TRAFFICKING = _rx(r"拐卖|被拐(?!杖)|被卖(到|给|去|掉|了)|卖给[^。!?\n]{0,8}(做媳妇|当媳妇|做老婆)")
# --- harassment outside a labour relation → 妇联 ---------------------------------------------------
PERINATAL_MOOD = _rx(
    rf"(产后|生完|生了|刚生|坐月子|月子里|孕期|怀孕){S}{{0,16}}(情绪|抑郁|焦虑|想哭|哭|失眠|睡不着|胡思乱想|心理|心情|崩溃|烦躁|想不开)"
)
HARASSMENT = _rx(
    r"(前男友|男朋友|男友|前夫|老公|丈夫|网友)[^。!?\n]{0,16}(发|传|曝光|散布)[^。!?\n]{0,10}(照片|视频|聊天记录|隐私)|"
    r"网友[^。!?\n]{0,12}(让|要|逼)[我她他]?(发|拍)[^。!?\n]{0,6}(照片|视频|裸)|"
    r"纠缠|在[^。!?\n]{0,4}楼下(等|堵|守)|性骚扰|骚扰|尾随|偷拍|露骨|猥亵|跟踪|堵我|下流|私密照|裸照|不雅照|隐私照|艳照|"
    r"动手动脚|咸猪手|不雅(信息|短信|消息|视频|图片)"
)
WORKPLACE_OFFENDER = _rx(r"领导|同事|上司|主管|老板|经理|客户|组长|班长|师傅|工友")
# --- harm to a minor at school, online or in society → 团委 12355 --------------------------------
_PEERS = r"同宿舍的?人?|舍友|同寝室的?人?|室友|同学|同班|男生|女生|高年级|学长|校外的|社会青年|小混混|几个孩子|几个学生"
MINOR_HARM = _rx(
    r"校园欺凌|校园霸凌|霸凌|欺凌"
    rf"|被{S}{{0,8}}({_PEERS}){S}{{0,14}}(锁|关在|排挤|泼|撕|打|欺负|勒索|敲诈|孤立|推搡|拍|威胁|要钱|骂|堵|抢|起外号|嘲笑|塞)"
    rf"|({_PEERS}){S}{{0,14}}(打他|打她|打我|欺负|勒索|敲诈|孤立|推搡|殴打|起外号|嘲笑|笑话[他她我]|取笑|堵在|抢|塞垃圾|塞死"
    r"|(书包|课本|作业本|文具)[^。!?\n]{0,2}(扔|撕|藏)|(扔|撕|藏)[^。!?\n]{0,4}(书包|课本|作业本|文具))"
    rf"|(孩子|儿子|女儿|学生|未成年|小孩|初中生|小学生){S}{{0,20}}(网络|网上|游戏|短视频|直播|网友){S}{{0,16}}"
    r"(骗|诈骗|忽悠|侵害|充值|打赏|刷了|刷礼物|礼物|付了|付款|转账|转走|买装备|氪金|裸|威胁|嘲笑|照片|见面|敲诈)"
    rf"|被{S}{{0,6}}(拍|录){S}{{0,10}}(发到|传到){S}{{0,10}}(网|平台|群)"
    rf"|({_PEERS}|室友|班上|班里){S}{{0,24}}(群里|群|朋友圈|网上|空间){S}{{0,12}}(骂|嘲笑|辱骂|造谣|P|p|丑照)"
    rf"|({_PEERS}|室友|班上|班里){S}{{0,24}}(照片|视频|丑照){S}{{0,12}}(发到|传到|发在|发进|发群|P)"
    rf"|(老师|班主任|教练|校长|宿管){S}{{0,12}}(体罚|动手|打[了过]?(他|她|我|孩子|学生)|扇|耳光|罚跪|辱骂|猥亵|摸[他她我])"
    rf"|(初中生|中学生|未成年|小学生|高中生|孩子们?){S}{{0,24}}(抽烟喝酒|打架斗殴|收保护费|拿着刀|带刀|网吧通宵|夜不归宿|离家出走)"
)
_MINOR_AGE = (
    r"初[一二三]|高[一二三]|[一二三四五六]年级|初中|高中|小学|中学|未成年|\d{1,2}岁|十[一二三四五六七]岁|"
    r"小学生|中学生|初中生|高中生|青少年|[我她他]才1[0-7](?![\d万千元块])"
)
MINOR_AGE = _rx(_MINOR_AGE)
JUVENILE = _rx(
    rf"({_MINOR_AGE})(?:(?!父亲|母亲|爸|妈|家长|奶奶|爷爷|外婆|外公)[^。!?\n]){{0,16}}(辍学|不上学|不去上学|逃课|收(别人|同学)的?钱|逃学|旷课|去网吧|泡网吧|网吧|偷(家里|东西|钱|拿)|抽烟|打架|赌博|混社会|"
    r"跟社会上的人|夜不归宿|离家出走|带刀|收保护费|吸烟喝酒)"
)
MINOR = _rx(
    r"孩子|儿子|女儿|学生|初[一二三]|高[一二三]|[一二三四五六]年级|小学|中学|未成年|\d{1,2}岁|十[一二三四五六七]岁"
)
# --- a labour relation → 工会, whoever asks -------------------------------------------------------
LABOUR_TOPIC = _rx(
    # pay not paid (没发工资, 拖欠 … 工资) is owed pay, not only a subject: it counts beside the tuition it was for
    rf"(没|未)有?发过?(工资|工钱|薪水)|拖欠{S}{{0,16}}?(工资|工钱|薪水)|"
    r"(养老|医疗|工伤|失业|生育)保险|社保费|社会保险费|欠薪|讨薪|夜班补贴|加班补贴|配送费|计件|工资(?!卡)|工钱|薪水|薪资|劳动合同|工伤|社保(?!卡)|社会保险|五险|加班费|加班|全勤奖|提成|"
    r"辞退|劝退|开除|解雇|解除劳动|裁员|经济补偿|赔偿金|试用期|劳动仲裁|劳动争议|绩效|辞职信|逼我辞职|被迫辞职|"
    r"逼[^。!?\n]{0,6}辞职|劳务费|不续签|续签|合同到期|补偿|离职|裁人|产假|劳动关系|"
    r"别回来了|不用来了|别来了|(让|叫|要)[我他她]?走人|炒了?[我他她]|炒鱿鱼|"
    rf"(让|叫|要|逼|劝)[我他她们]*{S}{{0,8}}(自己|主动)(辞职|离职|走人|走)|(让|叫|要|逼|劝)[我他她们]*(辞职|离职|走人|写辞职)|"
    r"被辞|辞了我|把我辞|年假|调休|双休|单休|"
    rf"(扣|拖|降|砍|少发|不给|没给|不发|没发|停发)[了着我他她们]*{S}{{0,4}}(底薪|薪|奖金|补贴|津贴|提成|绩效)|"
    r"三方协议|取消录用|毁约|违约金|转正|劳务派遣|派遣工|同工同酬|排班|"
    rf"(拖|欠|扣|克扣|不给|没给|不结|没结|少给)了?[我他她们]*{S}{{0,6}}(钱|工钱|费用)(?!退)|"
    r"(一天|每天|天天)(要|得)?(干|上|工作|上班)[\d一二三四五六七八九十]+个?(小时|钟头)|"
    r"不是(我们|他们|公司|平台|店里)?的?(员工|职工|正式工)"
    rf"|(少发|少给|克扣|扣了?|罚了?)[我他她]?{S}{{0,4}}[\d一二三四五六七八九十百千两几]+(块|元|百|千)"
    r"|一分钱?(都|也)?(没|没有)(拿到|拿|给|发|见到|结)(?!退)"
    rf"|(上班|干活|送餐|送货|送快递|作业|施工|搬货)(的)?(时候|时|路上|途中){S}{{0,10}}(受伤|摔|撞|砸|压|骨折|烫伤|割伤|伤了)"
)
LABOUR_DISPUTE = _rx(
    r"欠|拖|不给|没给|没发|不发|未发|停发|扣|克扣|辞退|开除|解雇|解除|不签|没签|未签|不缴|没缴|没交|"
    r"未缴|不交|断缴|从未|从来没|从没|认定|受伤|摔伤|砸伤|摔断|骨折|压断|赔偿|不认|不承认|不管|不负责|被迫|不算|怎么算|不付|少发|"
    r"降薪|辞职|离职|维权|仲裁|裁员|劝退|跑了|跑路|追讨|要回|不退|压|逼|合法吗|违法|拒绝|别来了|"
    rf"(?<!有)没有|没说|降了|降到|减半|不干就走|没提|不提|只(结|给|发|付|算)|少[一二三四五六七八九十两几半\d]|比别人少|自己{S}{{0,2}}(交|缴|出|掏|买|承担)|一分|低于|少发|少给|少算|少了|不让|不准|罚|规定|最多|标准|按什么|算不算|该不该|应不应该"
)
# words that name a labour matter only together with something wrong (工资不高 is not a dispute)
WEAK_TOPIC = _rx(
    r"(养老|医疗|工伤|失业|生育)保险|社保费|社会保险费|夜班补贴|加班补贴|违约金|排班|转正|配送费|计件|工资|工钱|薪水|薪资|社保|社会保险|五险|加班|提成|全勤奖|绩效|补偿|续签|合同到期|年假|调休|双休|单休"
)
EMPLOYER = _rx(
    r"公司|厂|单位|老板|包工头|工地|企业|店|雇主|车间|项目|平台|酒店|餐馆|饭店|超市|工头|老板娘|上班|"
    r"员工|职工|工友|打工|干活|入职|用人|劳务|主管|领导|经理|HR|hr|人事|店长|站长|洗车行|车行|商行|作坊|"
    r"机构|兼职|暑假工|临时工|实习|园长|校长|所里|院里|站点|骑手|用工|商场|中介|"
    r"(做|干)了[\d一二三四五六七八九十两几半]+(天|个月|年)|做促销|"
    r"(当|做|任)[\u4e00-\u9fff]{0,4}(员|(?<!手)工|师|嫂)(?![\u4e00-\u9fff])|"
    r"(当|做)(老师|教师|保安|保洁|厨师|会计|司机|护士|文员|店员|服务员|收银员|销售|客服|工人|保姆|护工|理货|网管)|"
    rf"在{S}{{1,12}}(工作|上班|打工|干活)"
)
# a clause that says the employer did what it owes (工资都按时发的, 公司给我交了社保): that topic
# word is not a dispute, unless the same clause also complains
COMPLIED = _rx(r"(按时|按月|正常|足额|都有|已经|一直都?)(发|交|缴|签|给)|给[我他她们]*(交|缴|发|签|买)了")
COMPLAINT = _rx(r"不|没|未|欠|拖|少|扣|断|停")
OWED = _rx(
    r"(养老|医疗|工伤|失业|生育)保险|社保费|社会保险费|夜班补贴|加班补贴|底薪|奖金|工资|工钱|薪水|薪资|社保|社会保险|五险|"
    r"劳动合同|加班费|提成|全勤奖|续签"
)
_SENTENCE_END = re.compile(r"[。!?！？\n]")
_CLAUSE_END = re.compile(r"[,，;；。!?！？\s]")
LABOUR_EXCLUDE = _rx(
    r"按比例|高温|防暑|降温费|救助|困难职工|助学|会费|入会|退休[^。!?\n]{0,30}(养老金|退休金)|"
    r"护理补贴|生活补贴|没纠纷|全部拿到|已经办完|都已经办完"
)
SETTLED = _rx(
    r"(已经|都|早就)(处理完|处理好|解决|结清|赔完|赔了|拿到|办完|了结)|已经?结清|没有?纠纷|没什么纠纷"
    r"|已经?[^。!?\n]{0,8}了结|没有?争议|无争议|没什么争议"
)
# --- occupational safety and women workers' special protection → 工会 --------------------------
SAFETY = _rx(
    r"粉尘|尘肺|职业病|职业健康|防护罩|防护用品|劳保用品|劳保|防尘口罩|口罩得自己买|铅衣|剂量计|有毒|苯|噪声聋|"
    r"中暑|晒晕|热晕|热昏|高温津贴|防暑降温|安全帽|安全带|安全防护|没有防护|防护措施|脚手架|护栏|安全措施|耳塞|耳罩|听力(都)?下降|听力受损"
    rf"|(车间|厂){S}{{0,6}}(噪音|噪声|气味|味道)"
)
SAFETY_WORKPLACE = _rx(r"厂|车间|工地|公司|单位|上班|医院|岗位|工人|职工|员工|老板|干活|作业")
LEGAL_OVER_SAFETY = _rx(r"工伤|欠薪|工资|辞退|开除|解雇|劳动合同|赔偿")
PREGNANT_WORKER = _rx(
    rf"(怀孕|孕期|哺乳期|产假|孕妇){S}{{0,20}}(调岗|换岗|轻活|轻松点|轻一点|重活|夜班|搬|车间|岗位|单位|主任|公司|厂|领导|老板|主管|店长|经理)"
    rf"|(调岗|车间|岗位|单位|主任|公司|厂){S}{{0,20}}(怀孕|孕期|哺乳期)"
)
# --- student aid depends on the parent -----------------------------------------------------------
STUDENT_AID = _rx(
    r"助学(?!贷款)|继续读书|继续上学|资助|奖学金|助学金|上不起学|供不起|读不起|交不起学费|圆梦|念书|希望工程"
    rf"|学费{S}{{0,8}}(交不起|凑不齐|不够|差|困难|发愁|拿不出|怎么办)"
    r"|(低保|困难|家里穷|农民|单亲|贫困)[^。!?\n]{0,30}学费"
    r"|(考上|考取|录取)[^。!?\n]{0,16}学费[^。!?\n]{0,16}(周转不开|负担不起|拿不出|凑不|不够|困难|差)"
)
AID_UNION = _rx(
    r"金秋|职工子女|困难职工|一线职工|在厂里|厂里干|工龄|单位工会|工会会员|职工|工人|"
    r"干了[一二三四五六七八九十两几\d]+年|在[^。!?\n]{1,8}(厂|公司|所|站|车间)(上班|工作|干)|环卫|在单位|"
    r"(公司|厂|单位|集团|医院|商场|超市)的?[^。!?\n]{0,4}(员|工|师傅|司机)|售票员|保安|保洁员|服务员|收银员|快递员|"
    r"分拣员|营业员|(?<![不没非])(当|做)[\u4e00-\u9fff]{1,3}(?<!手)工(?![\u4e00-\u9fff])|"
    rf"在{S}{{1,10}}(厂|公司|单位|工地|医院|商场|超市|酒店|饭店|车间|站|所|矿|学校|物流|快递){S}{{0,3}}(上班|工作|干|做|当|修|开|跑|送|扫|看)"
)
# not an employee: self-employed, farming or fishing, or saying so (不是单位职工, 没在单位上班, 不在任何单位上班)
SELF_EMPLOYED = _rx(
    rf"个体|自由职业|务农|种地|种田|种茶|打鱼|捕鱼|农民|渔民|打零工|摆摊|地摊|摆{S}{{0,3}}摊"
    rf"|(不是|并非|非){S}{{0,4}}(职工|员工|工人)|(没|没有|不在|未)(在)?{S}{{0,3}}单位(上班|工作)?|没有?单位|无业"
)
SCHOOLING = _rx(r"学费|考上|考取|上学|读书|念书|高中|大学|初中")
AID_GIRL = _rx(r"春蕾|女童|女孩|小姑娘")
AID_BOY = _rx(r"儿子|男孩|男生|男娃|小伙子")  # the girls' programme asked for a boy: not the girls' aid
AID_HOPE = _rx(r"希望工程|圆梦助学|大学新生|考上大学|考上大专|研究生|奖学金|助学金|学费")
# --- job training depends on who ------------------------------------------------------------------
TRAINING = _rx(
    r"培训(?!学校|机构|公司)|学技术|学手艺|学门手艺|学门技术|技能|学一门|技能等级|职业资格|考[^。!?\n]{0,6}证|想学"
)
WHO_DISABLED = _rx(
    r"轮椅|残疾(?!人?的?家属)|残障|盲人|视障|听障|聋|肢残|智障|智力障碍|截肢|坐轮椅|听力障碍|失明|瘫"
)
WHO_WOMEN = _rx(
    r"妇女|女性|家政|月嫂|育婴|手工|巾帼|宝妈|妇女创业|女性创业|全职妈妈|全职太太|家庭主妇|在家带娃|带娃|在家带孩子|姐妹们"
)
WHO_GRADUATE = _rx(r"毕业生|应届|大学生|刚毕业|毕业|见习")
WHO_YOUTH = _rx(r"毕业生|应届|大学生|刚毕业|毕业|青年|见习")
WHO_WORKER = _rx(r"职工|工人|下岗|失业|转岗|在岗|师傅|车间|岗位|上班|厂里|司机|单位|公司")
# --- volunteering ---------------------------------------------------------------------------------
VOLUNTEER = _rx(
    rf"志愿(者|服务)?{S}{{0,12}}(注册|时长|证明|小时|账号|记录|没记)|(注册|批量注册){S}{{0,8}}志愿"
    rf"|(当|做|参加){S}{{0,4}}志愿者|志愿(活动|项目|服务){S}{{0,10}}(报名|招募)"
)
# --- disability services --------------------------------------------------------------------------
DIS_SUBSIDY = _rx(r"护理补贴|生活补贴|残疾人补贴|两项补贴")
DIS_CERT = _rx(
    rf"残疾人?证{S}{{0,14}}(办|换|补|到期|过期|遗失|丢|评定|迁|申请|审核|领)"
    rf"|(?<!已)(?<!已经)(办|换|补|申领|申请){S}{{0,6}}残疾人?证|残疾评定|评残"
)
DIS_CERT_ASK = _rx(
    r"(去|能|可以|想|怎么|能不能)办(个|一个)?残疾人?证|评残|残疾评定|够不够|"
    r"评(个|一个)?(\w{1,2})?残疾|鉴定残疾|残疾鉴定|残疾等级(评|鉴)"
)
_DEVICE = r"轮椅|助听器|假肢|助视器|辅助器具|辅具|人工耳蜗|盲杖|矫形器|拐杖|助行器"
DIS_DEVICE_ASK = _rx(
    rf"(?<![坐靠])({_DEVICE}){S}{{0,20}}(坏|失灵|破损|开裂|申请|申领|适配|更换|维修|领取|到哪|怎么领)"
    rf"|(申请|申领|适配|领|配|换|要){S}{{0,6}}({_DEVICE})"
)
DIS_REHAB = _rx(rf"(?<![坐靠拄戴用])({_DEVICE})|康复训练|康复救助|康复服务|康复驿站|精神障碍康复|日间照料")
CONSUMER = _rx(r"专卖店|退货|自费买|商家|店里|店家|不给退|不退|一家[\u4e00-\u9fff]{1,4}店")
DIS_ACCESS = _rx(
    rf"盲道|无障碍|坡道|坡到|太陡|直梯|台阶{S}{{0,10}}(轮椅|出不了|下不来|上不去)"
    rf"|(轮椅|残疾){S}{{0,16}}(出不了门|下不来楼|下不了楼|上不去|进不去)"
    rf"|(轮椅|残疾|盲人){S}{{0,16}}(电梯|升降){S}{{0,6}}(停用|坏)"
    r"|(无障碍|残疾人专用|残疾人)的?(停车位|车位|厕所|卫生间|通道|电梯)"
)
# a subsidy of another kind than a disabled person's own (a firm's for its disabled staff is employment)
OTHER_SUBSIDY = _rx(r"创业|高温|生育|育儿|就业|培训|岗位|员工|招用|企业|租房|住房|交通|护理员|康复|辅具|助学|学费|低保")
QUOTA_EMPLOYMENT = _rx(r"按比例就业|按比例安排|残保金|残疾人就业保障金")
# the firm counts disabled staff, but the worker asks how to be assessed: the certificate first
CERT_FIRST = _rx(r"评残|残疾评定|怎么办(个|一个)?残疾人?证|去办(个|一个)?残疾人?证")
# --- other boundary rules ---------------------------------------------------------------------------
NURSING_ROOM = _rx(r"母婴室")
WORKPLACE = _rx(r"领导|同事|上司|主管|老板|公司|单位|厂")
ROOTS = _rx(r"寻根|寻亲|找亲人|找老家|找找老家|祖籍地?|族人|族谱|宗亲|祠堂|老家和")
# an overseas family's house or inheritance at home in dispute (祖厝被亲戚占用): 侨房/祖产纠纷
_HOME = r"侨房|祖产|祖厝|祖屋|祖宅|老宅|祖居"
_KIN_AT_HOME = r"亲戚|堂叔|堂兄|堂弟|堂亲|族亲|叔叔|伯父|侄子"
OVERSEAS_PROPERTY = _rx(
    rf"({_HOME}){S}{{0,16}}(占|纠纷|拆|出租|卖|产权|继承|分割|争)"
    rf"|(占用|霸占|纠纷|产权|继承){S}{{0,10}}({_HOME})"
    rf"|(老房子|老院子|老屋)[^。!?！？]{{0,40}}({_KIN_AT_HOME})[^。!?！？]{{0,12}}(占|拆|加盖|卖|出租)"
    rf"|({_KIN_AT_HOME})[^。!?！？]{{0,12}}(占|拆|加盖|卖|出租)[^。!?！？]{{0,8}}(老房子|老院子|老屋)"
)
# a returned overseas Chinese's family in hardship, no employee (the union's 送温暖 is for workers)
OVERSEAS_HARDSHIP = _rx(rf"(归侨|侨眷){S}{{0,30}}(困难|帮扶|救助|送温暖)")
# founding or joining a union is the union's, whoever's firm
UNION_JOIN = _rx(r"(成立|组建|建立|筹建|建)(基层)?工会|加入工会|入会|入工会")
OVERSEAS = _rx(r"侨|海外|国外|美国|加拿大|澳大利亚|新加坡|马来西亚|印尼|泰国|越南|菲律宾|回国|华裔|祖籍")
# --- government matters: transferred out whoever asks ----------------------------------------------
GOVERNMENT = _rx(
    r"物业费|物业|噪音|税|助学贷款|入园|摇号|出入境|护照|签证|通行证|居住证|公务员|政审|高龄津贴|高龄补贴|"
    r"老年人补贴|独生子女|漏水|交警|罚单|驾驶证|驾照|违停|上牌|社保|社会保险|失业金|失业保险|生育津贴|生育保险|生育补贴|育儿补贴|退伍|退役军人|公积金|医保卡|噪声扰民|扰民|吵到半夜|油烟|医保|社保卡|户口|落户|税务|个税|城管|道路|路面|井盖|路灯|"
    r"消费者|退费|退款|退货|不给退|商家|养老金|退休金|学位|转学|入学|幼升小|学区|自来水|停水|停电|违建|违章|占道|"
    r"12345|房产证|不动产|公租房|廉租房|保障房|低保|房东|押金|租房|交房|开发商|楼盘|年卡|预付卡|办卡|派出所|"
    r"小区电梯|电梯三天两头|燃气|煤气|水费|电费|马路|堵车|红绿灯|公交|交通|拆迁|征收|征地|垃圾|绿化|"
    r"基站|辐射[^。!?！？]{0,6}超标|测[^。!?！？]{0,4}辐射"
)
# a mass organization's own service named in the text (who asks does not count: 残疾人, 侨眷, 会员)
MASS_SERVICE = _rx(
    r"残疾人证|评残|护理补贴|生活补贴|两项补贴|康复|(?<![坐靠拄戴用])轮椅|辅具|助听器|假肢|盲道|无障碍|坡道|按比例|"
    r"家暴|打老婆|殴打|性骚扰|尾随|偷拍|母婴室|哺乳室|志愿|入团|团员证|团员身份|团关系|团组织|团费|两癌|宫颈癌|乳腺癌|"
    r"工会会员卡|职工之家|疗休养|会费|入会|科普|欺凌|霸凌|工伤|欠薪|拖欠工资|工钱|助学(?!贷款)|巾帼|"
    r"大病救助|困难职工|家里困难|实在困难|生活困难|送温暖|侨房|祖产|归侨身份|侨眷身份|寻根|寻亲|学会|见习|春蕾|儿童之家|"
    r"高温津贴|职业病|劳动合同|加班费|救助|帮扶|防骗|防诈|诈骗|讲座|讲讲|手工|创业|培训|耳塞|耳罩|车间|"
    r"科技创新|科技竞赛|大赛|竞赛"
)

# --- soft topic cues: (category, pattern) ----------------------------------------------------------
CUES: list[tuple[str, re.Pattern, str]] = [
    (
        "union.welfare",
        _rx(
            r"女职工关爱室|职工之家|户外劳动者驿站|驿站|疗休养|职工文化宫|普惠|会员卡|会员优惠|"
            r"职工(书画|羽毛球|篮球|乒乓|运动会|文体|摄影|合唱)|健身房|图书室"
        ),
        "职工普惠与职工之家",
    ),
    (
        "union.membership",
        _rx(r"入会|加入工会|入工会|会员关系|转会|组建工会|成立工会|建会|会费|(没有?|不设)工会"),
        "入会与会员服务",
    ),
    ("union.hardship", _rx(r"困难职工|送温暖|大病救助|金秋助学|临时救助|生活救助|帮扶|救助"), "困难职工帮扶"),
    ("union.skills", _rx(r"技能竞赛|技能比武|技能等级|职业资格|转岗|再就业|夜校|技能培训"), "职工技能提升"),
    ("union.safety", _rx(r"劳动保护|安全生产|职业病|高温津贴|劳保"), "劳动保护"),
    ("youth.league", _rx(r"入团|团员|团组织|团关系|团费|团支部|超龄离团|青年之家|团课"), "团员与团组织服务"),
    (
        "youth.employment",
        _rx(r"见习|应届|毕业生|青年创业|创业大赛|青年人才公寓|人才公寓|求职|找工作"),
        "青年就业创业",
    ),
    ("youth.care", _rx(r"心理老师|心理咨询|心理辅导|厌学|休学|留守儿童|叛逆|12355|未成年"), "青少年关爱"),
    ("youth.study", _rx(r"希望工程|圆梦助学|奖学金|助学金"), "希望工程助学"),
    ("youth.volunteer", _rx(r"志愿者|志愿服务|志愿活动"), "志愿服务"),
    (
        "women.health",
        _rx(r"两癌|宫颈癌|乳腺癌|宫颈|乳腺|产后抑郁|孕期心理|产后|母婴室|哺乳室"),
        "妇女健康关爱",
    ),
    (
        "women.entrepreneur",
        _rx(r"巾帼|妇女创业|创业担保贷款|家政|月嫂|手工|宝妈|居家灵活就业"),
        "巾帼创业就业",
    ),
    (
        "women.family",
        _rx(r"家庭教育|亲子|最美家庭|婚前|婚姻|夫妻|离婚|婆媳|吵架|二孩|调解"),
        "婚姻家庭与家庭教育",
    ),
    (
        "women.children",
        _rx(
            r"儿童之家|暑期托管|托管|困境儿童|春蕾|没人照顾|没人管|孤儿|无人抚养|父母(都|双)(不在|去世|亡|没)"
        ),
        "儿童之家与春蕾计划",
    ),
    (
        "women.rights",
        _rx(
            r"妇女权益|婚姻财产|(夫妻|婚内|离婚|婚前|婚后|共同|家庭)财产|共同存款|彩礼|拐卖|保护令|骚扰|起诉离婚"
        ),
        "妇女儿童维权",
    ),
    (
        "science.popular",
        _rx(
            r"科普|科技馆|科普日|伪科学|科学知识|防骗|防诈|反诈|防范[^。]{0,4}诈骗|识别[^。]{0,4}骗|科技节|科技(竞赛|创新大赛|比赛)|机器人(比赛|大赛)|天文|讲座"
        ),
        "科普服务",
    ),
    (
        "science.talent",
        _rx(r"学会|专家工作站|科技工作者|成果转化|院士|农技|专家|病虫害|技术攻关|职称|人才评价"),
        "科技工作者服务",
    ),
    (
        "overseas.invest",
        _rx(r"侨资|侨企|侨商|投资|回乡创业|留学人员创业|留学回国|办厂|外资"),
        "华侨华人投资与创业",
    ),
    (
        "overseas.rights",
        _rx(r"侨房|祖产|祖厝|祖屋|祖宅|归侨证|归侨身份|侨眷身份|身份认定|归侨侨眷|侨眷|涉侨|法律咨询|困难归侨|归侨救助"),
        "归侨侨眷权益",
    ),
    ("overseas.liaison", _rx(r"联谊|夏令营|寻根|寻亲|祭祖|宗亲|侨乡"), "海外联谊与寻根"),
    ("disabled.certificate", _rx(r"残疾人证|残疾证|评残|残疾等级|换证"), "残疾人证办理"),
    ("disabled.rehab", _rx(rf"康复|{_DEVICE}|自闭症|孤独症|脑瘫"), "康复与辅助器具"),
    ("disabled.employment", _rx(r"盲人按摩|残疾人就业|辅助性就业|按比例|残保金"), "残疾人就业培训"),
    ("disabled.subsidy", _rx(r"护理补贴|生活补贴|两项补贴"), "残疾人两项补贴"),
    ("disabled.access", _rx(r"盲道|无障碍|坡道|扶手|专用停车位|专用车位"), "无障碍环境"),
    ("other.government", GOVERNMENT, "政府部门职责事项"),
]


# "没有工资", "没签劳动合同": the absence of what the employer owes is the complaint, not a negation;
# "公司说不算工伤": the employer's denial is the dispute. Only the asker's own "不是工伤的事" negates.
_LABOUR_NEGATION = _rx(r"(不是|并非|并不是|不存在|谈不上|不涉及|不算|没有|没|无|未)$")
_REPORTED = _rx(r"(说|称|认为|觉得|讲|告诉我|以为|非说|硬说|坚持)[^,，。;；]{0,8}$")


_EMPLOYER_NAME = _rx(r"(公司|集团|厂|车队|站)")


def _government(text: str) -> str | None:
    """The first government-matter word of ``text`` that is not part of an employer's name
    (公交公司, 自来水厂 are where someone works)."""
    for m in GOVERNMENT.finditer(text):
        if _EMPLOYER_NAME.match(text, m.end()):
            continue
        return m.group(0)
    return None


def _labour_negated(text: str, m: re.Match) -> bool:
    before = text[max(0, m.start() - 3) : m.start()]
    neg = _LABOUR_NEGATION.search(before)
    if not neg:
        return False
    if OWED.fullmatch(m.group(0)) and neg.group(1) in ("没有", "没", "无", "未"):
        return False
    return not _REPORTED.search(text[max(0, m.start() - 14) : m.start() - len(neg.group(1))])


def _labour_topics(text: str) -> list[str]:
    """The labour-relation words of ``text`` that are neither negated (不是工伤) nor in a clause
    saying the employer does what it owes (工资都按时发的, 公司给我交了社保). A word that only
    names a subject (工资, 社保, 加班) counts with something wrong said next to it, in the same
    sentence (工资只结了一半, 社保要我自己交; not 工资不高)."""
    out = []
    ends = [b.start() for b in _CLAUSE_END.finditer(text)]
    for m in LABOUR_TOPIC.finditer(text):
        if _labour_negated(text, m):
            continue
        i = bisect.bisect_left(ends, m.start())
        start = ends[i - 1] + 1 if i else 0
        j = bisect.bisect_left(ends, m.end())
        clause = text[start : ends[j] if j < len(ends) else len(text)]
        rest = clause.replace(m.group(0), "", 1)
        if OWED.fullmatch(m.group(0)) and COMPLIED.search(clause) and not COMPLAINT.search(rest):
            continue
        if WEAK_TOPIC.fullmatch(m.group(0)):
            near = _SENTENCE_END.split(text[max(0, m.start() - 10) : m.end() + 14])
            around = next(p for p in near if m.group(0) in p) if len(near) > 1 else near[0]
            if not LABOUR_DISPUTE.search(around.replace(m.group(0), "", 1)):
                continue
        out.append(m.group(0))
    return out


def route_rules(text: str) -> RuleHit | None:
    """The first certain rule for ``text``, or None when no rule is sure."""
    t = text or ""
    if not t.strip():
        return None

    w = _find(MINOR_HARM, t, negatable=True)
    if w:
        return RuleHit(
            "youth.care", f"未成年人在学校、网络或社会上受到侵害(“{w}”)由团委12355跟进", "minor_harm"
        )

    w = _find(FAMILY_VIOLENCE, t, negatable=True)
    if w:
        return RuleHit("women.rights", f"家庭内部暴力或侵害(“{w}”)由妇联受理", "family_violence")
    if w := _find(TRAFFICKING, t, negatable=True):
        return RuleHit("women.rights", f"拐卖妇女儿童(“{w}”)由妇联受理", "family_violence")
    if w := _find(MARITAL_PROPERTY, t, negatable=True):
        return RuleHit("women.rights", f"妇女婚姻财产权益(“{w}”)由妇联受理", "marital_property")
    if (w := _find(JUVENILE, t, negatable=True)) and not STUDENT_AID.search(t):
        return RuleHit("youth.care", f"预防青少年违法犯罪(“{w}”)由团委12355跟进", "minor_harm")

    if (
        (w := _find(SAFETY, t, negatable=True))
        and SAFETY_WORKPLACE.search(t)
        and not LEGAL_OVER_SAFETY.search(t)
    ):
        return RuleHit("union.safety", f"劳动安全卫生与职业病防护(“{w}”)由工会监督", "labour_protection")

    topics = _labour_topics(t)
    strong = [w for w in topics if not WEAK_TOPIC.fullmatch(w)]
    # a family that cannot pay the tuition asks for student aid, unless what it asks about is pay
    # the employer owes (四个多月没给钱 … 娃娃学费都交不上)
    tuition = "学费" in t and not strong
    if topics and not tuition and not LABOUR_EXCLUDE.search(t) and not SETTLED.search(t):
        # a labour-relation matter (wages, contract, injury, insurance, overtime) with an employer
        # in view; the dispute word only explains
        employer = _find(EMPLOYER, t)
        dispute = _find(LABOUR_DISPUTE, t)
        topic = strong[0] if strong else topics[0]
        if employer:
            words = f"“{topic}”“{dispute}”" if dispute else f"“{topic}”"
            return RuleHit(
                "union.legal",
                f"劳动关系问题({words},涉及用人方“{employer}”),无论求助人身份均由工会维权",
                "labour_relation",
            )

    if (w := _find(PREGNANT_WORKER, t)) and not re.search(r"关爱室|哺乳室|哺乳场所|母婴室", t):
        return RuleHit(
            "union.safety", f"孕期哺乳期女职工的特殊劳动保护(“{w}”)由工会受理", "labour_protection"
        )
    if (w := _find(QUOTA_EMPLOYMENT, t)) and not CERT_FIRST.search(t):
        return RuleHit("disabled.employment", f"用人单位按比例安排残疾人就业(“{w}”)由残联受理", "disability")
    if (w := _find(NURSING_ROOM, t)) and not WORKPLACE.search(t):
        return RuleHit("women.health", f"公共场所母婴室(“{w}”)由妇联受理", "nursing_room")
    if (w := _find(OVERSEAS_PROPERTY, t)) and OVERSEAS.search(t):
        return RuleHit("overseas.rights", f"侨房祖产纠纷(“{w}”)由侨联受理", "overseas_rights")
    if (w := _find(OVERSEAS_HARDSHIP, t)) and (SELF_EMPLOYED.search(t) or not _find(AID_UNION, t)):
        return RuleHit("overseas.rights", f"困难归侨侨眷帮扶(“{w}”)由侨联受理", "overseas_rights")
    if (w := _find(ROOTS, t)) and not re.search(r"投资|创业|办厂", t) and OVERSEAS.search(t):
        return RuleHit("overseas.liaison", f"海外侨胞寻根寻亲(“{w}”)由侨联受理", "roots")

    if w := _find(VOLUNTEER, t):
        return RuleHit(
            "youth.volunteer",
            f"志愿者注册、报名或服务时长证明(“{w}”)由团委受理,不论活动由谁举办",
            "volunteer",
        )

    if STUDENT_AID.search(t):
        if (w := _find(AID_UNION, t)) and not SELF_EMPLOYED.search(t):
            return RuleHit("union.hardship", f"职工子女助学(金秋助学,“{w}”)由工会受理", "student_aid")
        if (w := _find(AID_GIRL, t)) and not AID_BOY.search(t):
            return RuleHit("women.children", f"女童助学(春蕾计划,“{w}”)由妇联受理", "student_aid")
        if (w := _find(AID_HOPE, t)) or ((w := _find(SELF_EMPLOYED, t)) and SCHOOLING.search(t)):
            return RuleHit(
                "youth.study", f"非职工家庭的困难学生助学(希望工程,“{w}”)由团委受理", "student_aid"
            )

    if _find(TRAINING, t):
        if w := _find(WHO_DISABLED, t):
            return RuleHit("disabled.employment", f"残疾人就业培训(“{w}”)由残联受理", "training")
        if w := _find(WHO_WOMEN, t):
            return RuleHit("women.entrepreneur", f"妇女创业就业和家政技能培训(“{w}”)由妇联受理", "training")
        if w := _find(WHO_GRADUATE, t):
            return RuleHit("youth.employment", f"高校毕业生的就业培训(“{w}”)由团委受理", "training")
        if w := _find(WHO_WORKER, t):  # a young worker is still a worker (青年职工技能比武)
            return RuleHit("union.skills", f"在职或下岗职工的技能培训(“{w}”)由工会受理", "training")
        if w := _find(WHO_YOUTH, t):
            return RuleHit("youth.employment", f"青年的就业培训(“{w}”)由团委受理", "training")

    if (w := _find(DIS_DEVICE_ASK, t)) and not CONSUMER.search(t) and "无障碍" not in t:
        return RuleHit("disabled.rehab", f"辅助器具的申领、适配和维修(“{w}”)由残联受理", "disability_device")
    if w := _find(DIS_ACCESS, t):
        return RuleHit("disabled.access", f"无障碍设施(“{w}”)由残联受理", "disability")
    if w := _find(DIS_SUBSIDY, t):
        if WHO_DISABLED.search(t):
            return RuleHit("disabled.subsidy", f"残疾人补贴(“{w}”)由残联受理", "disability")
    if (w := _find(WHO_DISABLED, t)) and re.search(r"补贴|补助", t) and not OTHER_SUBSIDY.search(t):
        return RuleHit("disabled.subsidy", f"残疾人补贴(“{w}”)由残联受理", "disability")
    if w := _find(DIS_CERT_ASK, t):
        return RuleHit("disabled.certificate", f"残疾人证办理和评定(“{w}”)由残联受理", "disability")
    if (w := _find(DIS_REHAB, t)) and not CONSUMER.search(t):
        return RuleHit("disabled.rehab", f"康复和辅助器具(“{w}”)由残联受理", "disability")
    if w := _find(DIS_CERT, t):
        return RuleHit("disabled.certificate", f"残疾人证办理(“{w}”)由残联受理", "disability")
    if (w := _find(WHO_DISABLED, t)) and re.search(
        r"就业|找工作|份工作|找个工作|工作岗位|求职|接活|找活|上岗|挣钱", t
    ):
        return RuleHit("disabled.employment", f"残疾人就业(“{w}”)由残联受理", "disability_job")

    if w := _find(PERINATAL_MOOD, t, negatable=True):
        return RuleHit("women.health", f"孕产期心理关爱(“{w}”)由妇联受理", "perinatal")

    if (w := _find(HARASSMENT, t, negatable=True)) and not WORKPLACE_OFFENDER.search(t):
        if MINOR_AGE.search(t):
            return RuleHit("youth.care", f"未成年人受到性骚扰或侵害(“{w}”)由团委12355跟进", "minor_harm")
        return RuleHit("women.rights", f"劳动关系以外的性骚扰或侵害(“{w}”)由妇联受理", "harassment")

    if w := _find(UNION_JOIN, t, negatable=True):
        return RuleHit("union.membership", f"加入或组建工会(“{w}”)由工会受理", "union_join")
    if (w := _government(t)) and not MASS_SERVICE.search(t):
        return RuleHit(
            "other.government", f"政府部门职责事项(“{w}”),不论求助人身份,登记后转办并告知去向", "government"
        )
    return None


def cues(text: str) -> list[RuleHit]:
    """Soft topic cues: each category whose own service words occur (at most one hit each)."""
    t = text or ""
    out = []
    for category, rx, name in CUES:
        if w := _find(rx, t, negatable=True):
            out.append(RuleHit(category, f"提到{name}(“{w}”)", "cue"))
    return out


def government_hint(text: str) -> RuleHit | None:
    """A government matter named and no mass organization's own service: the same test as the
    certain government rule, kept for callers that want only this question answered."""
    t = text or ""
    if (w := _government(t)) and not MASS_SERVICE.search(t):
        return RuleHit("other.government", f"政府部门职责事项(“{w}”),登记后转办", "government")
    return None

"""Likely duplicates: the same matter told in other words shares its concrete clues — the place
(roads, communities, building numbers), the company or school, the person, the amounts — and its
problem, not its wording.

Clues are a pure function of the text (``CLUE_VERSION`` changes whenever the extraction does, so
stored clues can be recomputed):

* places and units are built from jieba's words, so a clue always starts at a word boundary: a
  name (one or two name-like words, 锦华 / 幸福 里 / 康辉) followed by a kind word (路, 小区, 村,
  食品厂, 小学, KTV …). The kind is normalized (小区 = 社区 = 花园 = 苑 …, 有限公司 = 公司) and the
  name is also a clue on its own, so 幸福里小区 meets 幸福里社区 and 康辉食品厂 meets 康辉食品;
* units written short or long meet on their head (飞捷速运有限公司 = 飞捷分拣中心 = 飞捷公司, 明德实验中学 =
  明德实验 初二 = 明德学校, 区人民医院 = 人民医院), read on the characters because jieba splits
  unknown names (飞 / 捷速 / 运); places written short meet their full name too (梅林街道社区卫生
  服务中心 = 梅林社卫, 建设北路 = 建北路, 实验第二小学 = 实验二小);
* typos of common problem words and everyday abbreviations are read as their usual spelling first
  (公资 = 工资, 半马 = 半程马拉松); serial numbers (编号RC2024-0387 = 申请0387) are clues, years and
  hotlines (12355) are not;
* numbers are normalized (三号楼 = 3号楼 = 3栋, 3-2-502 = 3栋2单元502 = 502室, 十五楼 = 15楼, amounts
  in yuan: 八千多 = 8000余元, 一万二 = 1.2万 = 12000元, 二十多万 = 200000元; dates 11月18日 = 十一月十八号);
* persons by surname (张大爷 = 张老伯 = 张某, 姓刘 = 刘某 = 老刘, 周姓教师) and full names, children by
  their pet names (叫豆豆, 孙女朵朵);
* jieba's proper-noun tags (ns/nr/nz/nt) for the rest, minus kinship, role and organization words.

Two requests are compared by the rarity-weighted cosine of their clues, concrete clues weighing
more than problem words; a pair is a candidate only when it shares an anchor (a place, unit,
full name or amount, or two weaker clues such as a surname and a building number), its problem
words overlap and its likeliest categories agree."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from quntuan.routing.segment import frequency, subwords, tagged

CLUE_VERSION = 18
# A rare word that is no clue by its tag (腾跃 a verb, 博远 an adjective) is kept as BARE + word: it
# counts only where the other request names a firm by it (腾跃智联公司, ``_written_bare``), and
# ``meet`` drops such words before anything is compared.
BARE = "~"
_BARE_NAME_FREQ = 200  # 在极光智算做算法: a rare word the other request names as a firm (极光公司) is that firm
DEFAULT_THRESHOLD = 0.44  # best pooled F0.5 over train→dev, dev→train and two unseen sets (clue versions 8 and 9)
DEFAULT_WINDOW_DAYS = 60
SPECIFIC_BOOST = 1.5
SHORT_SIDE = 0.6  # 0.5 would be the cosine; above it the shorter request's share of shared clues counts more
# A problem word only one request says weighs this much in its norm: a long report tells more of
# the same matter (噩梦, 心理疏导), which must not hide the place, unit and problem both share.
# Concrete clues on one side only count fully: another place is another matter.
ONE_SIDED_GENERAL = 0.6
RARE_DF = 5  # a shared problem word counts as evidence only when it is rare in the corpus
CATEGORY_MARGIN = 0.25  # extra score needed when the two first categories differ (middle of the CV plateau)

# --- numbers -------------------------------------------------------------------------------------
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUM = r"(\d+|[零〇一二两三四五六七八九十百千]+)"
_APPROX = r"(?:多|余|来|几|出头)?"
# dates (11月18日 = 十一月十八号) are read first and taken out, so 18号 is no house number
_DATE = re.compile(r"(\d{1,2}|[一二三四五六七八九十]{1,3})月(\d{1,2}|[一二三四五六七八九十]{1,3})[日号]")
# address numbers: the strongest numeric clue (18号, 3号楼 = 3栋, 2603室, 三期)
_ADDRESS = re.compile(_NUM + r"(号楼|号院|号(?!码头|线|门|口|窗|床|位|车|机|台|厅|桥|人)|栋|幢|单元|室|期)")
# 3-2-502, 3栋2单元502, 7栋 我家603, 一栋一零二: a flat number written after its building
_FLAT_DASHED = re.compile(r"(?<![\d.\-])(\d{1,3})-(?:(\d{1,2})-)?(\d{3,4})(?![\d\-])")
_FLAT_AFTER = re.compile(
    r"(?:栋|幢|号楼|单元)\s*(?:的)?(?:我家|他家|她家|家|隔壁|对门|楼上|楼下|住户)?\s*"
    r"(\d{3,4}|[零〇一二三四五六七八九]{3,4})(?![\d万千元块年月日米人个天岁号栋幢期多余来几平层楼户名])"
)
_FLAT_NEIGHBOUR = re.compile(
    r"(?:楼上|楼下|隔壁|对门|对面)(?:的)?\s*(\d{3,4})(?![\d万千元块年月日米人个天岁号栋幢期多余来几平层楼户名])"
)
_FLOOR = re.compile(
    r"(?<![号\d零〇一二两三四五六七八九十])(\d{1,2}|[一二三四五六七八九十]{1,3})(?:楼|层)(?![上下道梯房顶盘主])"
)
_MONEY = re.compile(
    r"(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)"
    + _APPROX
    + r"(万元|万块|万|千元|千块|千|元|块钱|块)"
    r"(?!(?:多|余|来)?[零〇一二两三四五六七八九个人名户家次米平亩斤公里年天岁])"
)
# 八千多 (工钱), 一万二 (的押金): a Chinese amount with 千 or 万 and no unit after it
_BARE_MONEY = re.compile(
    r"([零〇一二两三四五六七八九十百]*[一二两三四五六七八九十][千万][零〇一二两三四五六七八九十百千]*)"
    r"(?:多|余|来|几)?(?![多余来几个年月日天人米次名户家台辆万千元块岁级平亩斤公])"
)
# 4.3k = 4300元, 1.2w = 12000元: an amount as people type it
_LETTER_MONEY = re.compile(r"(?<![A-Za-z0-9.])(\d+(?:\.\d+)?)\s*([kKwW])(?![a-zA-Z])")
# 县道X203线 = 县道203线 = X203: a numbered road (G national, S provincial, X county, Y township)
_NUMBERED_ROAD = re.compile(r"(国道|省道|县道|乡道)\s*([GSXY])?(\d{2,4})(?!\d)|(?<![A-Za-z0-9])([GSXY])(\d{2,4})线")
# a bus line written by its number alone (218, not 218路) in a request about buses, and the clue
# of a numbered line (218路)
_BUS_LINE = re.compile(r"^\d{1,3}路$")
_BUS = re.compile(r"公交|班车|巴士|路车|专线|线路")
_BARE_LINE = re.compile(
    r"(?<![\d.A-Za-z])(\d{2,3})(?![\d.%A-Za-z万千元块年月日号栋幢楼层室米人个天岁期次分秒小斤亩平户名位家件条辆台路多余来几])"
)
_ROAD_LETTER = {"国道": "G", "省道": "S", "县道": "X", "乡道": "Y"}
# 负一楼 = B1 = 地下一层: the basement floor
_BASEMENT = re.compile(r"负[一1](?:楼|层)|(?<![A-Za-z])[Bb]1(?![0-9])|地下一层")
_DURATION = re.compile(_NUM + _APPROX + r"个?" + _APPROX + r"(个月|小时|年级|岁|级|年|天|周|星期|礼拜)")
# 四(3)班 = 四年级三班 = 4年级3班 = 实小四3班: a school class, a small group of pupils
_CLASS = re.compile(
    r"(初|高)?([一二三四五六]|[1-6])(?:年级)?\s*[(（]?\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*[)）]?\s*班(?![倒车次])"
)
_ADDRESS_KIND = {"号楼": "栋", "幢": "栋", "号院": "号"}
# a village's group (龙潭村三组, 龙潭三组): a few dozen households, told apart like a building
_VILLAGE_GROUP = re.compile(
    r"(?<=[\u4e00-\u9fff])(?<![成分每几这那哪各第一])([一二三四五六七八九十]{1,3}|\d{1,2})组(?![长织建成员合件队别里内])"
)
_NUMBERED_LANE = re.compile(r"([东西南北前后中][头一二三四五六七八九十]{1,3}条)(?=胡同|巷)")
_MONEY_SCALE = {"万元": 10000, "万块": 10000, "万": 10000, "千元": 1000, "千块": 1000, "千": 1000}
_DURATION_KIND = {"星期": "周", "礼拜": "周"}


def _number(s: str) -> int | None:
    """``18`` / ``十八`` / ``二十`` / ``一百二十`` / ``2603`` / ``一万二`` → int (None when it is no
    number). A digit after 万 or 千 is the next unit down (一万二 = 12000, 三千五 = 3500)."""
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if all(c in _CN_DIGITS for c in s):  # 二六〇三 read digit by digit
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    if "万" in s:
        hi, _, lo = s.partition("万")
        h = _number(hi) if hi else 1
        if h is None:
            return None
        if not lo:
            return h * 10000
        if len(lo) == 1 and lo in _CN_DIGITS:
            return h * 10000 + _CN_DIGITS[lo] * 1000
        rest = _number(lo)
        return None if rest is None else h * 10000 + rest
    total, digit, last_unit = 0, None, 0
    for c in s:
        if c in "零〇":
            continue  # 一百零五: a place holder
        if c in _CN_DIGITS:
            if digit is not None:
                return None  # 七八千, 三四十: a range, no number
            digit = _CN_DIGITS[c]
        elif c in _CN_UNITS:
            total += (1 if digit is None else digit) * _CN_UNITS[c]
            last_unit, digit = _CN_UNITS[c], None
        else:
            return None
    if digit is not None and last_unit >= 100 and len(s) >= 3 and s[-2] in _CN_UNITS:
        return total + digit * last_unit // 10  # 三千五 = 3500, 一百二 = 120
    return total + (digit or 0)


def _amount(num: str, unit: str) -> int | None:
    """An amount in yuan: 8000余元 = 八千多块 = 8千 = 0.8万 → 8000."""
    scale = _MONEY_SCALE.get(unit, 1)
    if scale > 1 and len(num) > 1 and all(c in _CN_DIGITS for c in num):
        return None  # 七八千, 三四万: a range, no amount
    if scale > 1 and any(c in "万千" for c in num):
        return _number(num + unit[0])  # 一万二 + 千(元): the 千 is the number's own, 12000
    if re.fullmatch(r"\d+\.\d+", num):
        return round(float(num) * scale)
    n = _number(num)
    return None if n is None else n * scale


def _numbers(t: str) -> tuple[set[str], set[str]]:
    """(specific, general) number clues of a text, normalized to Arabic digits and one unit."""
    specific: set[str] = set()
    general: set[str] = set()
    for m in _DATE.finditer(t):
        mo, day = _number(m.group(1)), _number(m.group(2))
        if mo and day and 1 <= mo <= 12 and 1 <= day <= 31:
            general.add(f"{mo}月{day}日")  # a date on one side only must not weigh like a place
    t = _DATE.sub(" ", t)
    for m in _MONEY.finditer(t):
        n = _amount(m.group(1), m.group(2))
        if n:
            specific.add(f"{n}元")
    for m in _LETTER_MONEY.finditer(t):
        specific.add(f"{round(float(m.group(1)) * (1000 if m.group(2) in 'kK' else 10000))}元")
    if _BUS.search(t):
        for m in _BARE_LINE.finditer(t):
            specific.add(f"{int(m.group(1))}路")  # 让218再停一下, 203那个班车: a bus line told by its number
    if _BASEMENT.search(t):
        general.add("B1层")
    for m in _NUMBERED_ROAD.finditer(t):
        letter = m.group(2) or _ROAD_LETTER.get(m.group(1)) or m.group(4)
        specific.add(f"{letter}{m.group(3) or m.group(5)}")
    for m in _BARE_MONEY.finditer(_MONEY.sub(" ", t)):
        num = m.group(1)
        while len(num) > 2 and _number(num) is None and num[-2] not in "千万":
            num = num[:-1]  # 一万四千六一直: the amount ends before 一直
        n = _number(num)
        if n and n >= 1000:
            specific.add(f"{n}元")
    for c in [c for c in specific if c.endswith("元") and c[:-1].isdigit() and int(c[:-1]) >= 1000]:
        n = int(c[:-1])  # 三万多 and 3.2万, 四千多 and 4300: one rough amount beside the exact ones
        general.add(f"{n // 10000}万余元" if n >= 10000 else f"{n // 1000}千余元")
    for m in _NUMBERED_LANE.finditer(t):
        specific.update((m.group(1), m.group(1) + "路"))  # 东四条胡同: a lane named by its number
    for m in _FLAT_DASHED.finditer(t):
        specific.update((f"{int(m.group(1))}栋", f"{int(m.group(3))}室"))
        if m.group(2):
            specific.add(f"{int(m.group(2))}单元")
    for m in _CLASS.finditer(t):
        grade, number = _number(m.group(2)), _number(m.group(3))
        if grade and number:
            level = m.group(1) or ""
            specific.add(f"{level}{grade}年级{number}班")
            general.add(f"{level}{grade}年级" if level else f"{grade}年级")
    for rx in (_FLAT_AFTER, _FLAT_NEIGHBOUR):
        for m in rx.finditer(t):
            n = _number(m.group(1))
            if n and n >= 101:
                specific.add(f"{n}室")
    for m in _VILLAGE_GROUP.finditer(t):
        n = _number(m.group(1))
        if n and n <= 30:
            specific.add(f"{n}组")
    for m in _FLOOR.finditer(t):
        n = _number(m.group(1))
        if n and n > 1:
            general.add(f"{n}层")
    for rx, kinds, target in ((_ADDRESS, _ADDRESS_KIND, specific), (_DURATION, _DURATION_KIND, general)):
        for m in rx.finditer(t):
            n = _number(m.group(1))
            if n is None or (n == 1 and target is general):
                continue
            kind = kinds.get(m.group(2), m.group(2))
            if m.group(1) == "一" and kind == "栋" and t[m.end():m.end() + 1] == "楼":
                continue  # 吵得一栋楼都睡不着: a whole building, not building 1
            if kind in ("小时", "岁") and re.search(r"多|余|来|几|出头", m.group(0)):
                kind = "多" + kind  # 40多个小时, 七十来岁: a rough figure, no value to tell two people apart
            if kind == "年级" and 7 <= n <= 12:
                target.add(f"{'初' if n <= 9 else '高'}{(n - 7) % 3 + 1}年级")  # 八年级 = 初二
                continue
            if kind == "号" and n >= 101 and specific & {c for c in specific if c.endswith("栋")}:
                kind = "室"  # 1栋102号: a flat
            target.add(f"{n}{kind}")
    for c in list(specific):
        if c.endswith("室") and 3 <= len(c) <= 5 and int(c[:-1]) // 100 > 1:
            general.add(f"{int(c[:-1]) // 100}层")  # 1502室 is on the 15th floor (15楼)
    return specific, general


# --- places and units ----------------------------------------------------------------------------
# kind word → normalized kind (longest match first). A kind alone (医院, 小区) names no place.
_KINDS = dict(
    pair.split(":")
    for pair in (
        "大道:路 大街:路 路:路 街:路 巷:路 胡同:路 路口:路 街道:街道 镇:镇 乡:镇 村:小区 小区:小区 社区:小区 花园:小区 新村:小区 家园:小区 苑:小区 公寓:小区 宿舍:小区 "
        "新城:小区 山庄:小区 名苑:小区 名居:小区 雅居:小区 华府:小区 府:小区 园区:园区 产业园:园区 物流园:园区 科技园:园区 软件园:园区 创园:园区 工业园:园区 广场:广场 大厦:大厦 商场:商场 商厦:商场 市场:市场 超市:超市 有限公司:公司 "
        "公司:公司 集团:公司 工厂:公司 厂:公司 物流:公司 快递:公司 电子:公司 食品:公司 服装:公司 制衣:公司 建筑:公司 保洁:公司 家政:公司 餐饮:公司 "
        "商贸:公司 贸易:公司 置业:公司 地产:公司 汽修:公司 印刷:公司 包装:公司 运输:公司 装饰:公司 化工:公司 劳务:公司 机械:公司 纺织:公司 医药:公司 小学:小学 中学:中学 大学:大学 学校:学校 学院:学校 幼儿园:幼儿园 医院:医院 卫生院:医院 诊所:医院 科技馆:馆 "
        "图书馆:馆 博物馆:馆 体育馆:馆 文化馆:馆 纪念馆:馆 KTV:KTV ktv:KTV 酒店:店 宾馆:店 饭店:店 餐厅:店 健身房:店 工地:工地 项目:工地 "
        "地铁站:站 车站:站 公交站:站 码头:站 护理院:养老院 养老院:养老院 敬老院:养老院 福利院:养老院 颐养院:养老院 托老所:养老院"
    ).split()
)
_KIND_WORDS = sorted(_KINDS, key=len, reverse=True)
_KIND_NAMES = frozenset(_KINDS) | frozenset(_KINDS.values())
# Words that never name one place or unit: administrative prefixes, ordinals, kinds of things.
_NOT_A_NAME = set(
    "区 市 县 省 镇 村 乡 本区 我区 全区 该 本 我 我们 他们 这个 那个 这 那 附近 对面 旁边 门口 周边 家 家里 区里 村里 市里 我厂 新 老 大 小 第一 "
    "第二 人民 中心 民营 私营 外资 国有 一家 某 食品 机械 服装 电子 科技 建筑 物流 快递 外卖 物业 保安 保洁 餐饮 网络 信息 文化 教育 培训 商贸 贸易 工程 "
    "装修 家政 劳务 冷链 供应链 平台 互联网 职业 技术 专科 特殊 公办 民办 私立 公立 社区 小区 街道 学校 医院 公司 工地 项目 马路 省城 城区 市区 郊区 农村 城市 路上 街上 "
    "水泥 柏油 石子 砂石 港口 码头 机器 重型 重工 机床 机电 钢铁 焦化 智能 装备 装配 热处理 冲压 焊接 喷涂 铸造 锻造 总装 注塑 电镀 涂装 机加工 质检 "
    "县城 开发区 高新区 经开区 城里 乡下 老家 回老家 单位 隔壁 住址 地址 家住 人为 辖区 厂里 人才 青年人才".split()
)
_BEFORE_A_NAME = "住在系"  # a verb jieba glues to the first character of an unknown name (系泰 / 丰物流)
_PUBLIC_VENUES = ("馆", "医院", "广场")  # a district's or city's own: one of its kind
_NAME_FLAGS = ("n", "nr", "ns", "nz", "nt", "nrt", "nrfg", "j", "a", "z", "eng", "vn", "l")
_MAX_NAME = 6

# --- persons -------------------------------------------------------------------------------------
# Common surnames (characters that rarely start a common word after 老/小/姓 are kept).
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮"
    "柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古"
    "吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫"
    "寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝于"
)
_PERSON_TITLE = re.compile(
    r"([\u4e00-\u9fff])(?:某某|某(?![小社村公单学街医工厂店超企机部楼些])|XX|xx|××|\*\*|先生|女士|小姐|师傅|老伯|伯伯|大爷|大伯|大妈|大娘|大姐|大哥|阿姨|"
    r"老先生|奶奶|爷爷|婆婆|叔叔|老师|医生|经理|主任|老板|同学|律师|老太太|老太|老爷子|老奶奶|老汉|老头|伯|叔|姐|哥)"
)
_ROLES = ("来电人", "来访人", "当事人", "申请人", "投诉人", "联系人", "求助人", "反映人", "咨询人")
_PERSON_NAMED = re.compile(r"(?:姓|叫)([\u4e00-\u9fff])")
# 周姓教师, 一名陈姓男子: the surname written before 姓
_PERSON_SURNAMED = re.compile(
    r"([\u4e00-\u9fff])姓(?:教师|老师|男子|女子|男|女|师傅|工人|员工|职工|领导|经理|主任|老板|同学|医生|护士|保安|司机|邻居|住户|老人|老太|老汉|大爷|大妈|人家|村民)"
)
# 老/小 + these is a word, not a person (老公, 小区, 小时, 老家, 小学 …)
_NOT_FAMILIAR = set("公区时家学人板伴师乡年头朋孩子友妹弟哥姐")

# --- problem words -------------------------------------------------------------------------------
_KEEP_FLAGS = ("ns", "nt", "nr", "nz", "nrt", "n", "vn", "nrfg", "eng")
_SPECIFIC_FLAGS = ("ns", "nt", "nr", "nz", "nrt", "nrfg")
_STOP = set(
    "开了个 开了家 开了一家 紧挨 紧邻 挨着 来电人 来电 来访人 来访 反映 希望 请求 问题 情况 时候 现在 事情 部门 本人 市民 联系人 咨询 工作 帮助 帮忙 申请 办理 材料 政策 孩子 家里 东西 地方 "
    "电话 有人 大家 大门口 门口 区里 多次 相关 小区 社区 人称 问问 管管 能管 消息 结果 你好 请问 谢谢 麻烦 怎么办 一下 人系 有限 XX xx "
    "白班".split()  # jieba tags 白班 (the day shift) as a name
)
# Kinship, role, kind-of-place and organization words that jieba tags as names or that the kinds
# above catch: they say what kind of person or place, not which one, so they are problem words.
# where an overseas Chinese lives (印尼 and 印度尼西亚 one country)
_COUNTRIES = {
    **{w: w for w in "菲律宾 马来西亚 新加坡 泰国 缅甸 越南 柬埔寨 老挝 美国 加拿大 新西兰 日本 韩国 英国 法国 德国 意大利 "
       "荷兰 西班牙 秘鲁 巴西 南非".split()},
    "印尼": "印尼", "印度尼西亚": "印尼", "澳大利亚": "澳大利亚", "澳洲": "澳大利亚",
}
_GENERIC = set(
    "老公 丈夫 老婆 妻子 母亲 父亲 儿子 女儿 孩子 爸爸 妈妈 老伴 婆婆 家人 女士 先生 老人 司机 师傅 老师 同学 邻居 员工 职工 工人 社区 小区 医院 学校 "
    "公司 单位 工地 平台 项目 公交公司 老板 家长 领导 工会 总工会 妇联 侨联 科协 残联 团委 团区委 共青团 团组织 居委会 村委会 街道办 派出所 物业 政府 区政府 "
    "法院 律师 学会 协会 政协 老伯 大爷 大妈 大娘 阿姨 奶奶 爷爷 叔叔 伯伯 大姐 大哥 小伙 回国 国外 海外 天文 家族 银行卡 礼拜 严肃处理 新证 漏报 卫生室 "
    "中心 华侨 华人 华裔 归侨 侨眷 居民 村民 业主 住户 市民 群众 渔民 农民 农户 养殖户 菜农 果农 船民 厂里 厂子 公司里 单位里 店里 村里 小区里 供应链 冷链 "
    "家庭 条件 区级 市级 县级 省级 开发区 高新区 经开区 工业区 同事 工友 本区 我区 辖区 本市 "
    "县城 购物中心 女孩 男孩 女孩子 男孩子 "
    # kin: whose the matter is, not where (姑姑铁匠巷 is 铁匠巷)
    "姑姑 姑妈 舅舅 舅妈 姨妈 婶婶 侄子 侄女 外甥 外甥女 孙子 孙女 外孙 外孙女 女婿 儿媳 媳妇 哥哥 姐姐 弟弟 妹妹 外婆 外公 姥姥 姥爷 岳父 岳母 "
    # a province or a big city is where one worked or came from, not where the matter is
    "广东 广西 湖南 湖北 河南 河北 山东 山西 江苏 浙江 安徽 福建 江西 四川 贵州 云南 陕西 甘肃 青海 海南 辽宁 吉林 "
    "黑龙江 内蒙古 新疆 西藏 宁夏 北京 上海 天津 重庆 深圳 广州 东莞 "
    # what an overseas federation's events are, not which event (联谊 is tagged as a name)
    "联谊 联谊会 "
    "中国 中文 ".split()
) | set(_COUNTRIES)  # shared by many families of one home town; two different ones conflict
_PUNCT = re.compile(r"[^\w\u4e00-\u9fff]+")
_SENTENCE = re.compile(r"[,，。;；!！?？、:：\n]+")


def _trim_name(parts: list[str]) -> str:
    while parts and parts[0] in _NOT_A_NAME:
        parts = parts[1:]
    name = "".join(parts)
    if len(name) >= 3 and name[0] in _BEFORE_A_NAME + "过":
        name = name[1:]  # jieba's 住翠 / 湖湾: 住 is no part of 翠湖湾; nor 过 of 反映过 恒拓 (过恒拓)
    for p in ("本区", "我区", "区内", "开发区", "高新区", "经开区", "区", "市", "原"):  # 原小营村 is 小营村 (former)
        if name.startswith(p) and len(name) - len(p) >= 2:
            name = name[len(p) :]
            break
    return name


# Trade and civic words that name a road (物流大道, 人民路, 科技路), though no unit or estate.
_ROAD_NAMES = frozenset("物流 科技 电子 工业 文化 教育 建设 人民 信息 商贸 机械 食品 服装 建筑 网络 贸易 工程 职业 技术 中心".split())

# Words that end with a kind word but name no place (下乡 is going to the countryside).
_NOT_A_KIND = frozenset(
    "下乡 回乡 返乡 家乡 老乡 同乡 故乡 城乡 临街 沿街 上街 逛街 "
    "人才公寓 政府 区政府 市政府 县政府 镇政府 乡政府 省政府 人民政府 学府 首府 王府 官府 地府 省府 市府 县府 州府 城府 天府 幕府 洞府".split()
)


@lru_cache(maxsize=65536)
def _kind_of(word: str) -> tuple[str, str] | None:
    """(stem inside the word, normalized kind) when ``word`` ends with a kind word."""
    if word in _NOT_A_KIND:
        return None
    for k in _KIND_WORDS:
        if word.endswith(k):
            return word[: -len(k)], _KINDS[k]
    return None


# a character jieba leaves alone as a morpheme before a kind word starts the name: 悦 山府 (悦山府)
_MORPHEMES = ("ag", "ng", "vg", "tg")


def _places(words: list[tuple[str, str]]) -> set[str]:
    """Place and unit clues of one clause (a list of jieba words): a name that starts at a word
    boundary, followed by a kind word; the name alone is a clue too."""
    out: set[str] = set()
    for i, (w, _f) in enumerate(words):
        nxt = words[i + 1][0] if i + 1 < len(words) else ""
        after = words[i + 2][0] if i + 2 < len(words) else ""
        numbered = _number(nxt) is not None and after[:1] in ("栋", "号", "幢", "单")
        if w == "里" and i and (numbered or nxt in ("小区", "社区")):
            kind = ("", "小区")  # 幸福 里 3栋 / 幸福 里 小区: 里 ends the name
            if nxt in ("小区", "社区"):
                continue  # the kind word comes next and takes 里 into the name
        else:
            kind = _kind_of(w)
        if kind is None:
            continue
        stem, norm = kind
        parts: list[str] = []
        size = len(stem)
        j = i - 1
        while j >= 0 and len(parts) < 2:
            pw, pf = words[j]
            if pf.startswith("m") and len(pw) <= 3 and _number(pw.removeprefix("第")) is not None:
                pw = str(_number(pw.removeprefix("第")))  # 公交 三 公司 = 公交3公司, 第二 小学 = 2小学
            elif pw in _STOP or pw in _GENERIC or not pf.startswith(_NAME_FLAGS) and pw != "里" and not (
                (w in _OLD_LANES or ((w in _ESTATE_NAMED or (len(w) == 2 and w[-1] == "苑")) and pw[-1] not in _TO_A_PLACE))
                and j == i - 1 and pf.startswith("v") and len(pw) == 2
            ) and not (len(pw) == 1 and j == i - 1 and (pf in _MORPHEMES or (pf == "f" and pw in _NAMING_DIRECTIONS))):  # 仓 前/f 社区
                break  # but 打铁 巷, 卖鱼 桥: an old lane is named for the trade once plied there
            k = _kind_of(pw)
            if k and pw != "里" and (not parts or len(k[0]) >= 2) and not (norm == "路" and pw in _ROAD_NAMES) and not (
                not parts and len(k[0]) == 1 and k[1] == "路" and norm == "小区" and pw[-1] in _OLD_LANES
            ):  # (新街 社区 is the community 新街, not the lane's own clue)
                break  # 建设路 医院, 青石镇 鑫达 电子: the road or the town is its own clue (物流 大道 is a road)
            if k and parts and not k[0] and k[1] == "路":
                break  # 大道 顺达 物流园: a road's bare kind is no part of the park's name
            if size + len(pw) > _MAX_NAME:
                break
            parts.insert(0, pw)
            size += len(pw)
            j -= 1
        if w == "里":
            parts.append("里")
        trade = [p for p in parts if p not in _NOT_A_NAME or p in _ROAD_NAMES]
        if norm == "路" and len(trade) == 1 and trade == parts[-1:] and trade[0] in _ROAD_NAMES:
            out |= {trade[0] + w, trade[0] + norm}  # 物流大道, 科技路: a road named for a trade
            continue
        if parts and all(p in _NOT_A_NAME or p in _UNIT_KINDS for p in parts):
            parts = []  # 鑫 达 装饰 工程 有限公司: trade words only, the unit's name is read on its characters
        name = _trim_name(parts)
        if stem and stem not in _NOT_A_NAME:
            full = _trim_name([*parts, stem]) if parts else stem
            if len(full) == 1 and w[-1] in _OLD_LANES and frequency(w) < _COMMON_NAME_FREQ:
                out.add(w)  # 柳巷, 桂街: a lane of one character and its kind (not 小巷, 老街)
            if len(full) >= 2 and full not in _NOT_A_NAME:
                out.add(full + norm)
                if not parts and norm in ("镇", "小区") and w[-1] in "镇乡村" and frequency(full) < _COMMON_HEAD:
                    out.add(full)  # 南塘乡 (one word) is 南塘 too, as 南塘 乡 is
        if not stem and len(name) == 1 and w in _OLD_LANES and frequency(name + w) < _COMMON_NAME_FREQ:
            out.add(name + w)  # 柳 巷 小区: the one-character lane jieba wrote apart
        if len(name) >= 2 and name not in _NOT_A_NAME and name not in _GENERIC:
            out.add(name)
            out.add(name + norm)
            if name.endswith("国际") and len(name) >= 4:  # 鼎盛国际大厦 = 鼎盛大厦
                out.update((name[:-2], name[:-2] + norm))
            if norm in ("小学", "中学", "学校"):  # 育才实验小学 = 育才小学
                bare = next((name[: -len(q)] for q in _SCHOOL_QUALIFIERS if name.endswith(q)), "")
                if len(bare) >= 2:
                    out.update((bare, bare + norm))
        elif not name and norm in _PUBLIC_VENUES and i and words[i - 1][0] in ("区", "市", "县"):
            out.add(words[i - 1][0] + w)  # 区科技馆: the district has one
    return out


# --- units written short or long (飞捷速运有限公司 / 飞捷分拣中心, 明德实验中学 / 明德实验 初二) ---------
# Read on the characters, not on jieba's words (jieba splits unknown names: 飞 / 捷速 / 运): a kind or
# trade word, the name before it back to a word that cannot be part of a name, the trade words
# stripped from the name's end. Each unit gives ``core + class`` and, for a core of three or more
# characters, ``head + class`` (its first two characters, when they are no common word): the short
# and the long name meet there. Classes put a company's branches and trades together (公司), and
# schools of every level (学校).
_UNIT_KINDS = dict(
    pair.split(":")
    for pair in (
        "有限责任公司:公司 有限公司:公司 分公司:公司 公司:公司 集团:公司 分拣中心:公司 分拣场:公司 配送站:公司 营业部:公司 网点:公司 "
        "仓库:公司 门店:公司 分店:公司 总店:公司 工厂:公司 厂:公司 车间:公司 速运:公司 快运:公司 速递:公司 物流:公司 快递:公司 "
        "劳务:公司 装修队:公司 装修:公司 装饰:公司 工程队:公司 施工队:公司 车队:公司 机械:公司 制造:公司 制衣:公司 电子:公司 食品:公司 "
        "服装:公司 建筑:公司 建设:公司 家政:公司 保洁:公司 餐饮:公司 酒楼:公司 饭店:公司 餐厅:公司 酒店:公司 超市:公司 "
        "便利店:公司 商贸:公司 贸易:公司 科技:公司 传媒:公司 印刷:公司 包装:公司 运输:公司 汽修:公司 "
        "数据:公司 软件:公司 水产:公司 外卖:公司 冷链:公司 仓储:公司 供应链:公司 模具:公司 纸箱:公司 纸业:公司 精密:公司 环境:公司 环保:公司 建材:公司 五金:公司 家具:公司 塑料:公司 钢材:公司 木业:公司 石材:公司 陶瓷:公司 纺织:公司 化工:公司 茶业:公司 "
        "实验中学:学校 实验小学:学校 外国语学校:学校 完小:学校 中学:学校 小学:学校 学校:学校 学院:大学 大学:大学 幼儿园:幼儿园 "
        "人民医院:医院 中医院:医院 医院:医院 卫生院:医院 护理院:养老院 养老院:养老院 敬老院:养老院 福利院:养老院 托老所:养老院 "
        "服务中心:中心 中心:中心 公园:公园 "
        "小区:小区 社区:小区 花园:小区 新村:小区 家园:小区 苑:小区 湾:小区 华庭:小区 华府:小区 山庄:小区 公寓:小区 宿舍:小区 村:小区 园:小区"
    ).split()
)
_UNIT_RX = re.compile("|".join(sorted(_UNIT_KINDS, key=len, reverse=True)))
# 材料 ends a firm's name (恒晟包装材料有限公司) but alone is the papers one hands in (贷款材料)
_TRADE = sorted(
    [k for k, v in _UNIT_KINDS.items() if v == "公司"] + "材料 机器 重型 重工 机床 机电 钢铁 焦化 智能 装备".split(),
    key=len,
    reverse=True,
)
_NOT_IN_NAME_FLAGS = ("p", "r", "u", "c", "d", "m", "q", "t", "f", "x", "y", "e", "o", "w", "k")
_NOT_IN_NAME = set(
    "在 住 是 到 去 做 干 叫 找 开 读 上 给 被 让 把 有 和 与 跟 对 向 从 离 家 说 称 旁 由 问 送 当 进 回 想 老家 回老家 那个 这个 附近 旁边 对面 "
    "开了个 开了家 开了一家 开个 开家 紧挨 紧邻 挨着 靠近 "
    "高年级 低年级 中年级 年级 有限公司 有限责任公司 公司 分公司 集团".split()  # 泰丰有限公司 分拣中心: the firm's name ends
)
_GRADE = re.compile(r"^(?:初[一二三]|高[一二三]|[一二三四五六]年级|初中|高中)$")
_GRADE_WORD = re.compile(r"^(初|高)?([一二三四五六1-6])(?:年级)?$")
_COMMON_HEAD = 1000  # a head that is an everyday word (东方, 阳光) is no unit's short name
_COMMON_CORE = 3000  # nor is a core that is one (太阳, 实验)
_SCHOOL_QUALIFIERS = ("实验", "外国语", "附属", "双语", "国际")  # 育才实验中学 = 育才中学 = 育才学校
_PLACE_CHARS = "园苑湾庭府村"


def _name_before(words: list[tuple[str, str]], i: int, lead: str = "") -> str:
    """The name written before word ``i`` (``lead``: characters of word ``i`` itself before the
    kind, 景 of 景湾): name-like words back to one that cannot be part of a name, at most 6
    characters, administrative prefixes trimmed."""
    parts = [lead] if lead else []
    size = len(lead)
    j = i - 1
    while j >= 0:
        w, f = words[j]
        if f == "eng" and not parts and j == i - 1:
            j -= 1  # 精诚 SMT 车间: the workshop's kind in letters, the firm's name before it
            continue
        if (
            f.startswith(_NOT_IN_NAME_FLAGS)
            or w in _NOT_IN_NAME
            or w in _STOP
            or w in _GENERIC
            or (_verb(w, f) and not _verb_in_name(w))
            or size - sum(len(p) for p in parts if p in _TRADE) + len(w) > _MAX_NAME  # trades are no part of the name
        ):
            break
        if _verb(w, f):
            before = words[j - 1] if j else ("", "x")  # a verb-read name starts the name: 在 顺发 机械,
            if not _starts_name(*before):  # not 冷库 分拣 车间 (the work done in the firm's cold store)
                break
            parts.insert(0, w)
            break
        if len(w) > 1 and w[0] in _BEFORE_A_NAME:
            parts.insert(0, w[1:])  # 刘婷婷 住翠 湖湾: the name starts after 住
            break
        if (f == "ns" or _kind_of(w)) and len(w) >= 2 and _own_name("".join(parts)):
            break  # 石桥 鑫达电子厂, 工业园 恒达精密: the place before a firm's own name is none of it
        parts.insert(0, w)
        size += len(w)
        j -= 1
    return _trim_name(parts)


_RARE_VERB = 40  # 顺发 机械, 腾跃 智联: a wish jieba reads as a verb, too rare to be one in a request
_WORK_VERBS = frozenset("送餐 送货 送件 跑腿 分拣 收银 打包 装车 卸货 上班 打工 入职 挂靠 转包".split())


def _verb(word: str, flag: str) -> bool:
    """A word of two characters or more that jieba reads as a verb (not a trade word: 装修)."""
    return flag.startswith("v") and flag != "vn" and len(word) > 1 and word not in _UNIT_KINDS


def _verb_in_name(word: str) -> bool:
    """Whether a word jieba tags as a verb is a firm's name (顺发 of 顺发机械): two characters,
    all but absent from the dictionary, and no verb of going, visiting, helping or working."""
    return len(word) == 2 and frequency(word) < _RARE_VERB and word not in _TO_A_HOME and word not in _WORK_VERBS


def _starts_name(word: str, flag: str) -> bool:
    """Whether a name can start after ``word``: it cannot be part of one (a preposition, a verb,
    punctuation, the clause's start)."""
    return not word or flag.startswith(_NOT_IN_NAME_FLAGS) or word in _NOT_IN_NAME or (
        flag.startswith("v") and flag != "vn"
    )


def _own_name(name: str) -> bool:
    """Whether ``name`` without the trade words at its end is a name of its own (鑫达 of 鑫达电子,
    not 新型 of 新型建材)."""
    while (t := next((t for t in _TRADE if name.endswith(t) and len(name) > len(t)), "")):
        name = name[: -len(t)]
    return len(name) >= 2 and name not in _TRADE and frequency(name) < _COMMON_CORE


def _unit_clues(core: str, cls: str, names: set[str] | None = None) -> set[str]:
    """The unit's clue: ``head + class`` for a distinctive head, else ``core + class``; the core is
    the name without trade words at its end (鑫达机械制造 → 鑫达)."""
    out: set[str] = set()
    if names is not None and len(core) >= 2:
        names.add(core)  # its words (实验 of 明德实验) are the unit's name, no problem words
    for k, c in enumerate(core):  # 东升路宏图 (包装公司): the unit is 宏图, the road is its own clue
        if c in _ROAD_CHARS:
            core = core[k + 1 :]  # 建设路 (医院): named by its road only, no unit clue
            break
        if c in _TOWN_CHARS and k >= 2 and len(core) - k > 2 and _own_name(core[k + 1 :]):
            core = core[k + 1 :]  # 青石镇新华 (社区): the town is its own clue; 河口乡中心 (小学) is named by it
            break
    for t in _TRADE if cls == "公司" else _SCHOOL_QUALIFIERS if cls == "学校" else ():
        while len(core) - len(t) >= 2 and core.endswith(t):
            core = core[: -len(t)]
    if (
        len(core) < 2
        or core[:1].isdigit()
        or core in _KINDS  # 滨江花园 小区: 花园 is the estate's kind, no name of its own
        or core in _NOT_A_NAME
        or core in _GENERIC
        or core in _STOP
        or frequency(core) >= _COMMON_CORE
    ):
        return out
    head = core[:2]
    if (
        len(core) >= 3
        and head not in _NOT_A_NAME
        and frequency(head) < _COMMON_HEAD
        and not head[1:].isdigit()
    ):
        out.add(head + cls)  # one clue per unit: a second one would weigh the unit twice
    else:
        out.add(core + cls)
    return out


def _joined(words: list[tuple[str, str]]) -> tuple[str, list[int]]:
    """The clause as one string, and where each of its words starts in it."""
    starts, pos = [], 0
    for w, _ in words:
        starts.append(pos)
        pos += len(w)
    return "".join(w for w, _ in words), starts


_OWN_NAMED = ("人民医院", "中医院")  # 区人民医院 = 人民医院: the district's one
_TO_A_HOME = frozenset("入住 住进 搬进 送进 送到 送去 住到 进了 住在 去了 看望 探望 照顾 联系 咨询 参观 慰问 走访 服务 陪伴 打扫 表演".split())


def _units(words: list[tuple[str, str]], names: set[str] | None = None) -> set[str]:
    """Unit clues of one clause read on its characters: see ``_UNIT_KINDS``."""
    out: set[str] = set()
    clause, starts = _joined(words)
    centres = [m.span() for m in _HEALTH_CENTRE.finditer(clause)]
    ends = set(starts)
    for m in _UNIT_RX.finditer(clause):
        kind_word = m.group(0)
        if any(a <= m.start() < b for a, b in centres):
            continue  # 社区卫生服务中心: read by ``_health_centres``
        if kind_word in _OWN_NAMED:
            out.add(kind_word)
            continue
        if m.start() == 0 or (m.end() < len(clause) and m.end() not in ends):
            continue  # 大学生, 科技馆: the kind ends inside a word, which is another word
        # the word the kind starts in, and that word's characters before the kind (景 of 景湾)
        i = max(k for k, st in enumerate(starts) if st <= m.start())
        name = _name_before(words, i, clause[starts[i] : m.start()])
        cls = _UNIT_KINDS[kind_word]
        if not name and cls == "养老院" and i and starts[i] == m.start():
            pw, pf = words[i - 1]  # 颐养 护理院, 安康 敬老院: a home is named for a wish jieba reads as a verb
            if pf.startswith("v") and len(pw) == 2 and pw not in _TO_A_HOME:
                name = pw
        out |= _unit_clues(name, cls, names)
    return out


_SCHOOL_AFTER = set("班主任 校长 副校长 教导主任 学生 食堂 宿舍 初中部 高中部 小学部".split())
_READS = ("读", "上", "念", "的")


def _schools_before_grade(words: list[tuple[str, str]], names: set[str] | None = None) -> set[str]:
    """明德实验 初二, 在明德实验读初一, 明德实验的班主任: a name written before a grade or a
    school's people is a school, written short."""
    out: set[str] = set()
    for i, (w, _f) in enumerate(words):
        if i and (_GRADE.match(w) or w in _SCHOOL_AFTER):
            j = i - 1 if words[i - 1][0] in _READS and i > 1 else i
            name = _name_before(words, j)
            if name and name not in _GENERIC and not _GRADE_WORD.match(name):
                out |= _unit_clues(name, "学校", names)
    return out


# 豆豆, 乐乐: a child's pet name, written after 叫, 孩子, 孙女, 的 … (not 天天, 妈妈, 看看)
_PET_AFTER = set(
    "叫 叫做 名叫 小名 孩子 小孩 男孩 女孩 儿子 女儿 孙子 孙女 外孙 外孙女 宝宝 的 我家 家".split()
)
_NOT_PET = set(
    "天天 常常 刚刚 渐渐 往往 仅仅 人人 个个 家家 年年 默默 慢慢 好好 偷偷 明明 谢谢 妈妈 爸爸 哥哥 姐姐 弟弟 妹妹 爷爷 "
    "奶奶 姥姥 姥爷 舅舅 叔叔 婶婶 伯伯 姑姑 公公 婆婆 宝宝 娃娃 星星 处处 时时 事事 样样 步步 轻轻 悄悄 稍稍 匆匆 纷纷 "
    "看看 想想 试试 等等 说说 问问 管管 帮帮 查查 催催 走走 聊聊 多多 早早 久久 万万 统统 通通 见见 谈谈 算算 次次 回回".split()
)


def _pet_names(words: list[tuple[str, str]]) -> set[str]:
    out: set[str] = set()
    for i, (w, f) in enumerate(words):
        if (
            len(w) == 2
            and w[0] == w[1]
            and not f.startswith("v")  # 给孩子做做疏导: a verb said twice
            and "\u4e00" <= w[0] <= "\u9fff"
            and w not in _NOT_PET
            and any(p[0] in _PET_AFTER for p in words[max(0, i - 2) : i])
        ):
            out.add(w)
    return out


_ROAD_CHARS = "路街巷"
_OLD_LANES = ("巷", "街")
_NAMING_DIRECTIONS = "前后东西南北上下头"  # 仓前, 山后: part of a name before its kind (not 大厦 旁)
_TOLD = ("反映", "投诉", "咨询", "问", "说", "提", "报", "找", "来", "打")
# an estate named with a verb (安居 新村, 振兴 家园) — not the verb of going there (搬到 新村)
_ESTATE_NAMED = ("新村", "家园", "花园", "山庄")
_TO_A_PLACE = "到进在入往过去回住"
_TOWN_CHARS = "镇乡"


def _split_at_road(places: set[str]) -> set[str]:
    """A road written straight before a unit runs into the unit's words (兴业路恒鑫物流公司 →
    兴业 / 路恒鑫 / 物流公司): the road and the unit after it are clues of their own too."""
    out: set[str] = set()
    for clue in places:
        # 东升 / 路宏图 / 公司: the unit's word may start with the road's last character
        positions = [0] if clue[0] in _ROAD_CHARS else range(2, len(clue) - 1)
        for i in positions:
            if clue[i] in _ROAD_CHARS:
                rest = clue[i + 1 :]
                if len(rest) < 2 or rest[:1].isdigit():
                    break
                if i:
                    out.add(clue[: i + 1])
                kind = _kind_of(rest)
                stem = kind[0] if kind else rest
                if len(stem) >= 2 and stem not in _NOT_A_NAME:
                    out.add(rest)
                    out.add(stem)
                break
    return out


_NUMBERED_GIVEN = frozenset("柱娃丫妮妹狗牛毛蛋宝虎龙根喜")  # 二柱, 三娃, 二丫: a family's second or third child


def _persons(t: str, words: list[tuple[str, str]]) -> set[str]:
    out: set[str] = set()
    for rx in (_PERSON_TITLE, _PERSON_NAMED, _PERSON_SURNAMED):
        for m in rx.finditer(t):
            at = m.start(1)
            if (
                rx is _PERSON_TITLE
                and at
                and t[at - 1] not in "老小"
                and frequency(t[at - 1 : at + 1]) >= 3
                and not t[:at].endswith(_ROLES)  # 来电人马某某: 人马 is a word, 马 still the surname
            ):
                continue  # 劳务公司老板, 分包老板: the character ends a word, it is no surname
            if m.group(1) in _SURNAMES:
                out.add(m.group(1) + "某")
    for i, (w, _f) in enumerate(words):
        # 老马, 小周 as a word of their own (word boundaries keep 老房子 and 小区 out)
        if len(w) == 2 and w[0] in "老小" and w[1] in _SURNAMES and w[1] not in _NOT_FAMILIAR:
            out.add(w[1] + "某")
        elif len(w) == 2 and w[1] == "家" and w[0] in _SURNAMES and i and words[i - 1][0] == "老":
            out.add(w[0] + "某")  # 老黄家: the Huangs
        elif (
            len(w) == 2
            and w[1] == "家"
            and w[0] in _SURNAMES
            and _f.startswith("nr")
            and not (i + 1 < len(words) and _kind_of(words[i + 1][0]))
        ):
            out.add(w[0] + "某")  # 孙家那个孩子: the Sun family (not 王家 庄, a village)
        elif w in ("老", "小") and i + 1 < len(words) and words[i + 1][1].startswith("nr"):
            c = words[i + 1][0][0]
            if c in _SURNAMES and c not in _NOT_FAMILIAR:
                out.add(c + "某")
    for i, (w, f) in enumerate(words):
        prev = words[i - 1][0] if i else ""
        if (
            len(w) == 2
            and (
                f.startswith(("nr", "ns", "nz"))
                or (  # 李 二柱, 王 三娃: a given name of a numeral and a character
                    f == "m" and len(prev) == 1 and words[i - 1][1] == "nr" and w[0] in "二三四五六七八九"
                    and w[1] in _NUMBERED_GIVEN
                )
                or (
                    f == "n" and len(prev) == 1 and words[i - 1][1] == "nr" and frequency(w) < _COMMON_FREQ
                    and w[-1] not in "子巷街路里" and not _kind_of(w)
                    and i > 1 and words[i - 2][0].endswith(_NAMED_AFTER)
                )  # 负责人 曹/nr 建军/n: jieba names the surname alone
                or (
                    len(prev) == 1 and words[i - 1][1] == "nr" and i > 1 and words[i - 2][0] in _KIN_BEFORE_NAME
                    and f in ("a", "n", "nz", "v", "i", "l") and not _kind_of(w) and w not in _GENERIC
                )  # 儿子 李/nr 浩然/a: the son 李浩然
            )
            and prev[-1:] in _SURNAMES
            and (len(prev) == 1 or prev[:-1] in ("人", "叫", "是", "找", "子", "女", "夫", "妻", "爸", "妈", "父", "母", "哥", "姐", "弟", "妹", "爷", "奶"))  # 其子孙 宇轩, 我爸林 建国
            and not (len(prev) == 1 and words[i - 1][1].startswith(("c", "p", "u", "d", "r", "v")))  # 和 养老
            and w not in _GENERIC
            and not (f.startswith("ns") and _kind_of(w))  # 文/n 庙街/ns: 文庙街, not Mr 文
            and not (prev in _PLACE_CHARS and i > 1 and words[i - 2][1].startswith(("n", "ns", "nr")))
        ):  # (翠微 苑 北门: the estate 翠微苑's north gate, not Mr 苑)
            out.add(prev[-1] + w)  # 来访人王桂兰 → 人王 / 桂兰: the name is 王桂兰
            out.add(prev[-1] + "某")
            continue
        nxt, nf = words[i + 1] if i + 1 < len(words) else ("", "")
        if (
            f == "nr" and len(w) == 2 and w[0] in _SURNAMES and len(nxt) == 1 and nf == "nr"
            and nxt not in _PLACE_CHARS + _VILLAGE_ENDS and not (i + 2 < len(words) and _kind_of(words[i + 2][0]))
        ):  # 王子/nr 宇/nr: jieba cuts 王子宇 after a word of its own; a follow-up calls him 子宇
            out |= {w + nxt, w[0] + "某", w[1] + nxt}
            continue
        if w[0] in _ROAD_CHARS and i and words[i - 1][1].startswith(("n", "ns")):
            continue  # 兴业 路恒鑫: a road, not Mr 路
        if (
            f.startswith("nr")
            and len(w) == 3
            and w[0] in _SURNAMES
            and w not in _GENERIC
            and not _PERSON_TITLE.fullmatch(w)
            and w[-1] not in _PLACE_CHARS + _VILLAGE_ENDS  # 桂香园 is an estate, 马家塬 a village: not Mr 桂, Mr 马
            and not _kind_of(w)  # 柳溪镇 is a town
            and not (i + 1 < len(words) and _kind_of(words[i + 1][0]))  # 石板桥 街道: a place
            and frequency(w) < _COMMON_NAME_FREQ  # 马拉松 is a race, not Mr 马
        ):
            out.add(w[0] + "某")
            out.add(w)
        elif (
            f == "nr"
            and len(w) == 2
            and w[0] in _SURNAMES
            and frequency(w) < _RARE_NAME_FREQ  # 孙丽, 李欣: not 孙子, 高温
            and not _kind_of(w)
            and not (i + 1 < len(words) and _kind_of(words[i + 1][0]))  # 林厝 村: a place
            and not _GRADE_WORD.match(w)  # 高二 is a grade
            and w not in _STOP  # 白班 is the day shift
        ):
            out.add(w[0] + "某")
            out.add(w)
    for boss in {m.group(m.lastindex) for rx in (_BOSS_BEFORE, _BOSS_AFTER) for m in rx.finditer(t)} & _SURNAMES:
        out.discard(boss + "某")
        out.add(boss + "老板")
    for teacher in {m.group(1) for m in _TEACHER.finditer(t)} & _SURNAMES:
        if teacher + "某" in out and t.count(teacher) == t.count(teacher + "老师"):
            out.discard(teacher + "某")  # 班主任许老师: the pupil's teacher, who reports for the family
            out.add(teacher + "老师")
    out |= {m.group(1) + "老师" for m in _TEACHER_SURNAMED.finditer(t) if m.group(1) in _SURNAMES}  # 周姓教师 = 周老师
    return out


# The other side of a labour matter, by surname (包工头老曹, 蒋老板, 负责人曹建军): the same boss
# in both requests is a clue like a surname, but his name and a reporter's are no conflict (one
# worker names the boss, another gives his own name).
_BOSS_BEFORE = re.compile(
    r"(?:老板|包工头|工头|老总|负责人|厂长|店长|带班的?|管事的?|班组长|承包人)(?:姓|叫|是)?老?([\u4e00-\u9fff])(?!工头)"
)
_TEACHER = re.compile(r"([\u4e00-\u9fff])老师")
_TEACHER_SURNAMED = re.compile(r"([\u4e00-\u9fff])姓(?:男|女)?(?:教师|老师|幼师|班主任)")
_BOSS_AFTER = re.compile(r"(?!包工头)([\u4e00-\u9fff])(?:老板|老总|厂长|店长|工头|包工头)|姓([\u4e00-\u9fff])的(?:老板|老总|厂长|店长|工头|包工头)")


# a relative's word right before a surname and a word: the relative's full name (儿子 李 浩然)
_KIN_BEFORE_NAME = frozenset(
    "儿子 女儿 孙子 孙女 外孙 外孙女 孩子 父亲 母亲 爸爸 妈妈 我爸 我妈 丈夫 妻子 老公 老婆 爷爷 奶奶 外公 外婆 学生 同学".split()
)
# the words after which a surname and a common word are a person's full name (负责人 曹 建军), not
# a verb's object (不给 戴 防尘 口罩)
_NAMED_AFTER = ("负责人", "老板", "经理", "厂长", "店长", "站长", "主任", "包工头", "工头", "班长", "组长", "叫", "姓", "是", "找")
_VILLAGE_ENDS = "庄塬桥坝屯铺坡沟井巷坊寨堡埠墩厝垵圩岙洼峪"  # the last character of a village's or a lane's name
_RARE_NAME_FREQ = 10  # a two-character word tagged as a name and this rare is a person's full name
_COMMON_NAME_FREQ = 50  # a three-character word this common is no one's full name (马拉松, 80)
_COMMON_FREQ = 300  # jieba's dictionary tags some everyday words as names (康复 nr, 1018 times)


def _common_word(w: str, flag: str) -> bool:
    """A word jieba tags as a person's name that cannot be one: four characters or more
    (法律援助), or a word the dictionary counts as common (康复)."""
    return flag.startswith("nr") and (len(w) > 3 or frequency(w) >= _COMMON_FREQ)


# Typos of common problem words and everyday abbreviations, read as their usual spelling first.
_SPELLINGS = (
    (re.compile(r"公资|工姿"), "工资"),
    (re.compile(r"补帖"), "补贴"),
    (re.compile(r"残疾证"), "残疾人证"),
    (re.compile(r"盲到"), "盲道"),
    (re.compile(r"菜市场|菜场"), "农贸市场"),
    (re.compile(r"电瓶车"), "电动车"),
    (re.compile(r"昇"), "升"),  # 东昇 = 东升: a firm's name in its variant character
    (re.compile(r"高温(?:费|补贴|补助费|补助)|防暑降温费|防暑费"), "高温津贴"),
    (re.compile(r"半马(?![路车匹])"), "半程马拉松"),
    (re.compile(r"(?<![其确现诚真事老扎])实小(?![孩朋说时区])"), "实验小学"),
    # 区二院 = 区第二人民医院: a numbered hospital written short
    (re.compile(r"(?<=[区市县])(?:第)?([一二三四五六七八九])院(?![子里校长士落内])"), r"第\1人民医院"),
)


# One problem told in other words (路灯 / 照明 / 黑灯瞎火, 喧哗 / 吵闹, 拖欠工资 / 三个月没发钱): the
# usual word is a clue too, so that the two tellings share it.
_PROBLEMS = (
    (re.compile(r"路灯|照明|黑灯瞎火|灯不亮|灯也不亮|灯坏|一片漆黑|黑漆漆|黑乎乎"), "路灯"),
    (
        re.compile(
            r"噪音|噪声|吵闹|喧哗|扰民|吵得|吵的|太吵|很吵|吵死|吵醒|吵到|放[^,，。]{0,4}大声|大声[^,，。]{0,3}音乐"
            r"|闹到(?:半夜|凌晨|深夜|后半夜)|打桩|(?:半夜|夜间|深夜|凌晨)[^,，。]{0,4}施工|咣|哐当|轰隆|嗡嗡|刺耳|打磨声|叮叮当当|叮叮咣咣|叮当响|乒乒乓乓"
            r"|(?:半夜|夜里|夜间|深夜|晚上)[^。]{0,16}(?:冲床|冲压|机器响)|(?:冲床|冲压)[^。]{0,8}(?:半夜|夜里|夜间|深夜)"
            r"|(?:音响|音箱|喇叭)[^,，。]{0,6}(?:很大|太大|特别大|老大|好大|震)|闹到(?:晚上)?(?:十|11|十一|十二)点"
            r"|(?<!争)吵(?![架嘴着])|放歌|喊叫|放[^,，。]{0,4}到(?:半夜|凌晨|深夜|后半夜)|声[^,，。]{0,2}(?:很大|太大|特别大|好大)|(?:还在|一直|整夜|通宵|半夜)响"
            r"|(?:放|唱|闹|响)到(?:半夜|凌晨|深夜|后半夜|[一二两三四1234]{1,2}点)"
        ),
        "噪音",
    ),
    (
        re.compile(
            r"欠薪|讨薪|讨工钱|拖欠[^,，。]{0,16}?(?:工资|工钱|薪水|血汗钱)|(?:欠|拖)[^,，。]{0,8}?(?:工资|工钱|薪水|血汗钱)|(?:没|未|不)(?:有)?发(?:过)?(?:工资|工钱|钱)"
            r"|(?:工资|工钱).{0,6}(?:没|未)(?:发|结清|结)|一分钱?(?:都|也)?(?:没|没有)(?:拿到|给|发|结)(?!退)"
            r"|(?:都|也|还)(?:没|没有)(?:拿到|领到)(?:钱|工钱|工资)|欠(?:我们|我|他们|他|大家|工人)(?:的)?钱"
            r"|(?:厂|公司|老板|作坊|工地|包工头)[^,，。]{0,3}欠钱|老板(?:跑了|跑路|卷钱|失联|人也找不着|找不到人)"
            r"|工资[^,，。]{0,10}?拖着?不(?:发|给)|工资(?:又|还|总|老|一直|老是|总是)拖|停发(?:了)?(?:工资|工钱|薪水)|(?:扣|压)(?:着|下|了)?[^,，。]{0,8}?工资[^,，。]{0,10}?(?:不给|不发)"
        ),
        "欠薪",
    ),
    # a hole in the road, however told (大坑, 坑洞, 坑坑洼洼)
    (re.compile(r"坑洞|大坑|深坑|坑洼|坑坑洼洼|有个坑|一个坑|(?:路面|路上)[^,，。]{0,4}坑(?![人爹])|坑(?:越来越|越|更|很|挺|太)大"), "坑洞"),
    # founding or joining a union, and a labour contract never signed: labour matters of their own
    (re.compile(r"(?:组建|成立|建立|筹建|建)(?:基层)?工会|加入工会|入会|入工会|没有?工会"), "入会"),
    (re.compile(r"(?:没|未|不)(?:跟我|和我|与我|给我)?签(?:订)?(?:书面)?(?:劳动)?合同|劳动合同"), "合同"),
    (re.compile(r"广场舞"), "广场舞"),  # jieba cuts it (广场 / 舞): the dance is the nuisance's source
    (re.compile(r"停办|(?:班|课)[^,，。]{0,6}(?:停了|停课|不办了|取消了)"), "停办"),  # a class stopped, however told
    (re.compile(r"酗酒|喝醉|醉酒|喝多了|酒后|喝了?酒(?:就|后|以后)|天天喝酒"), "酗酒"),  # a drinker's violence, told by wife or neighbour
    # a family's illness, however told: two hardship requests of one firm about two illnesses are two families
    (re.compile(r"(?:患|得了?|确诊|查出|诊断为?)[^,，。]{0,6}?(?:癌|肿瘤)|癌症|化疗|放疗|肿瘤"), "癌症"),  # not 两癌筛查
    (re.compile(r"尿毒症|透析|肾衰"), "尿毒症"),
    (re.compile(r"白血病"), "白血病"),
    (re.compile(r"糖尿病"), "糖尿病"),
    (re.compile(r"脑梗|中风|脑出血|脑溢血"), "中风"),
    (re.compile(r"怀孕|孕期|孕妇|怀上了|产假|哺乳期"), "孕期"),  # a pregnant worker's matter, however told
    (re.compile(r"粉尘|石粉|灰尘大|降尘|扬尘"), "粉尘"),  # dust at work, however named
    (re.compile(r"漏水|渗水|漏雨"), "漏水"),
    (re.compile(r"停水|断水|没水(?:用|喝|吃)?|不来水|没有水"), "停水"),
    (re.compile(r"停电|断电|没电(?:用)?"), "停电"),
    (re.compile(r"塌方|塌陷|垮塌|塌了|垮了|滑坡"), "塌方"),
    (
        re.compile(
            r"辞退|开除|解雇|被辞|辞了[我他她]|炒了?[我他她]|炒鱿鱼|(?:不用|别)(?:再)?来(?:上班)?了|让[我他她]?走人|撵走|赶走"
        ),
        "辞退",
    ),
    (
        re.compile(
            r"家暴|家庭暴力|(?<!学生)(?<!同学)(?<!年级)殴打|动手打|打伤|打了?[我她]|拳打脚踢|打骂(?:妻子|老婆|媳妇|她)|(?:打|抽|揍|踹|扇|掐)(?:了)?(?:他|她)?(?:老婆|媳妇|妻子|女人)"
            r"|(?:丈夫|老公|男人|姐夫|妹夫|女婿|前夫)[^。]{0,12}(?:动手|掐|揍|踹)|喝(?:酒|多|醉)了?[^,，。]{0,3}(?:就)?(?:动手|打人)"
            r"|把(?:她|我|妻子|老婆|媳妇)打(?:得|伤|成)"
            r"|(?:那家|那户|两口子|小两口|夫妻俩?|男的)[^,，。]{0,6}?打(?:起来|架)|打起来[^。]{0,10}(?:女的|老婆|媳妇)哭|男(?:子|的|人)打骂[^。]{0,8}女(?:子|的|人)(?:哭|求救)"
            r"|被(?:我爸|我爸爸|她爸|他爸|老公|丈夫|男人|她男人|她老公|前夫)[^,，。]{0,8}打"
        ),
        "家暴",
    ),
    # a benefit that stopped coming (停发, 没到账, 没打到卡上): one stoppage, told by everyone it hit
    (re.compile(r"(?:无障碍|残疾人|残障)(?:卫生间|厕所)|第三卫生间|残卫"), "无障碍卫生间"),
    (re.compile(r"停发|断发|(?:没|没有|未|不)(?:再)?(?:打)?到(?:账|帐|卡上)|(?:没|没有)(?:再)?发(?:放)?了"), "停发"),
    (
        re.compile(
            r"欺凌|霸凌|欺负|勒索|敲诈|保护费|(?:被|堵)[^,，。]{0,12}要(?:零花)?钱|找[他她我]要钱|(?:抢|要)[^,，。]{0,4}零花钱"
            r"|逼[他她我]?(?:拿|交|给)钱|索要(?:财物|钱财|钱|零花钱)|堵在[^,，。]{0,8}打|被[^,，。]{0,6}(?:高年级|同学|男生|学生)[^,，。]{0,6}打"
        ),
        "欺凌",
    ),
)


def _problems(t: str) -> set[str]:
    return {usual for rx, usual in _PROBLEMS if rx.search(t)}


# 一五零二 = 1502: a flat or a serial number read out digit by digit (a place holder 零 in it, or a
# flat's word after it); 一百零五 and 三四五个 are no such reading
_READ_OUT = re.compile(
    r"(?<![零〇一二两三四五六七八九十百千万\d])([一二三四五六七八九][零〇一二三四五六七八九]{2,3})"
    r"(?![零〇一二两三四五六七八九十百千万年月日号个\d])"
)


def _read_out(m: re.Match) -> str:
    run = m.group(1)
    if "零" in run or "〇" in run or m.string[m.end():m.end() + 1] in ("室", "房", "户", "那"):
        return "".join(str(_CN_DIGITS[c]) for c in run)
    return run


def _respell(t: str) -> str:
    for rx, usual in _SPELLINGS:
        t = rx.sub(usual, t)
    return _READ_OUT.sub(_read_out, t)


# 梅林社区卫生服务中心 = 梅林街道社区卫生服务中心 = 梅林社卫: a community health centre by its place
_HEALTH_CENTRE = re.compile(r"(?:街道|镇|乡)?(?:社区卫生服务中心|社区卫生服务站|社区卫生站|社区医院|社卫)")


def _health_centres(words: list[tuple[str, str]]) -> set[str]:
    out: set[str] = set()
    clause, starts = _joined(words)
    for m in _HEALTH_CENTRE.finditer(clause):
        i = max(k for k, st in enumerate(starts) if st <= m.start())
        lead = clause[starts[i] : m.start()]
        if lead:
            name = lead if len(lead) >= 2 else ""
        elif i:
            w, f = words[i - 1]
            name = w if f.startswith(_NAME_FLAGS) else ""
        else:
            name = ""
        name = _trim_name([name]) if name else ""
        if len(name) >= 2 and name not in _NOT_A_NAME and name not in _GENERIC:
            out.add(name + "社卫")
    return out


# 建设北路 = 建北路: a road written short by its first character and its direction
_SHORT_ROAD = re.compile(r"^([\u4e00-\u9fff])[\u4e00-\u9fff]([东西南北中])路$")


def _short_roads(words: list[tuple[str, str]], places: set[str]) -> set[str]:
    out = {m.group(1) + m.group(2) + "路" for c in places if (m := _SHORT_ROAD.match(c))}
    for i, (w, _f) in enumerate(words):
        if i and len(w) == 2 and w[0] in "东西南北中" and w[1] == "路":
            pw, pf = words[i - 1]
            if len(pw) == 1 and pw not in _NOT_IN_NAME and not pf.startswith(_NOT_IN_NAME_FLAGS):
                out.add(pw + w)  # 建 北路
            elif len(pw) == 2 and pw not in _NOT_A_NAME and pf.startswith(("n", "vn")):
                out.add(pw[0] + w)  # 建设 北路 (jieba's words), written short 建北路
    return out


# 实验二小 = 实验第二小学, 育才三中 = 育才第三中学: a school written short by its number
_SHORT_SCHOOL = re.compile(r"^第?([一二三四五六七八九十]{1,2})([小中])$")


def _numbered_schools(words: list[tuple[str, str]]) -> set[str]:
    out: set[str] = set()
    for i, (w, _f) in enumerate(words):
        m = _SHORT_SCHOOL.match(w)
        if m is None and i + 1 < len(words) and words[i + 1][0] in ("小", "中"):
            after = words[i + 2][0] if i + 2 < len(words) else ""
            if after[:1] not in ("时", "区", "孩", "学", "心", "间", "型"):
                m = _SHORT_SCHOOL.match(w + words[i + 1][0])  # 育才 三 小
        if not m or not i:
            continue
        pw, pf = words[i - 1]
        if len(pw) < 2 or not pf.startswith(_NAME_FLAGS) or pw in _NOT_A_NAME or pw in _GENERIC:
            continue
        out.add(f"{pw}{_number(m.group(1))}{m.group(2)}学")
    return out


# 编号RC2024-0387 = 申请0387, a phone number: four digits or more that are no amount, year or date
_SERIAL = re.compile(r"(?<![\d.])(\d{4,})(?![\d.]|\s*(?:[万千元块年月日号栋幢室米平人个次岁届级]|号楼))")


def _serial_numbers(t: str) -> set[str]:
    out = set()
    for m in _SERIAL.finditer(t):
        n = m.group(1)
        if not (1950 <= int(n) <= 2050 or (len(n) == 5 and n.startswith("12"))):  # a year, a hotline (12355)
            out.add(f"#{n}")
    return out


def _clauses(t: str) -> list[list[tuple[str, str]]]:
    return [_mend(tagged(c)) for c in _PUNCT.split(t) if c]


_NAME_LIKE_FLAGS = ("n", "ns", "nr", "nz", "nt", "j")
_DIRECTION = frozenset("东西南北前后上下中大小新老")
_LONE = ("zg", "yg", "ng", "ag", "vg", "tg")  # a character jieba leaves alone as a morpheme
_ESTATE_AFTER = frozenset("小区 花园 社区 家园 小区里 新村".split())


def _ends_a_name(w: str) -> bool:
    """景府 ends an estate's name (御 / 景府); 小区, a kind alone, does not (巷 / 小区)."""
    kind = _kind_of(w)
    return bool(kind[0]) if kind else w[-1] in _PLACE_CHARS


def _mend(words: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Places jieba cuts across their kind: 青石 镇鑫达 is 青石镇 鑫达 (a town's kind glued to the
    next name; 柳河 乡下 河村 is 柳河乡 下河村), 新华社 区 is 新华 社区 (a dictionary word swallowed
    the kind), 后 塘村 is 后塘村."""
    out: list[tuple[str, str]] = []
    words = list(words)
    for i, (w, f) in enumerate(words):
        pw, pf = out[-1] if out else ("", "")
        town = w[:1] in ("镇", "乡") and len(pw) >= 2 and pf in _NAME_LIKE_FLAGS and pw[-1] not in "镇乡村区县市"
        if town and len(w) >= 3:
            out[-1] = (pw + w[0], "ns")
            out.append((w[1:], f))
        elif town and len(w) == 2 and i + 1 < len(words) and words[i + 1][0].endswith("村"):
            out[-1] = (pw + w[0], "ns")  # 柳河 乡下 河村: 柳河乡 下河村
            words[i + 1] = (w[1] + words[i + 1][0], "ns")
        elif w[:1] == "区" and len(pw) >= 3 and pw.endswith("社") and pf in _NAME_LIKE_FLAGS:
            out[-1] = (pw[:-1], "ns")
            out.append(("社区", "n"))
            if len(w) > 1:
                out.append((w[1:], f))
        elif (
            len(w) == 2 and w[0] == "村" and len(pw) >= 2 and pf in _NAME_LIKE_FLAGS and pw[-1] not in "镇乡村区县市"
            and (w[1] in "站口头" or (
                w[1] in _SURNAMES and i + 1 < len(words) and words[i + 1][1].startswith(("nr", "ns", "nz"))
                and len(words[i + 1][0]) == 2
            ))
        ):
            out[-1] = (pw + "村", "ns")  # 枫林 村站: the village 枫林村 and its stop; 桑园 村王 桂兰: 王桂兰 of 桑园村
            out.append((w[1:], "n" if w[1] in "站口头" else "nr"))
        elif len(w) == 2 and w[1] == "村" and pw in _DIRECTION and pf in ("f", "a", "b"):
            out[-1] = (pw + w, "ns")
        elif (
            len(w) == 1 and f in (*_LONE, "g") and frequency(w) < _COMMON_FREQ
            and len(pw) == 1 and pf in ("f", "n", "ns", "nr", "a", "b", "ng", "ag")
        ):
            out[-1] = (pw + w, "nz")  # 东 / 垚 (a rare character jieba leaves alone): the name 东垚, not 很 / 晚
        elif len(pw) == 1 and pf in _LONE and len(w) == 2 and _ends_a_name(w):
            out[-1] = (pw + w, "ns")  # 御 / 景府: the estate 御景府
        elif (
            len(w) == 1 and w in _PLACE_CHARS and len(pw) == 1 and pf in ("c", "p", "d", "r")
            and i + 1 < len(words) and words[i + 1][0] in _ESTATE_AFTER
        ):
            out[-1] = (pw + w, "ns")  # 住 和 / 园 / 小区: the estate 和园, not "and"
        elif len(w) == 3 and w[0] == "过" and f.startswith(("nr", "ns", "nz")) and pw.endswith(_TOLD):
            out.append(("过", "ug"))  # 反映 过浩云 数据: the firm 浩云数据, told about before
            out.append((w[1:], f))
        elif w[:1] == "门" and len(pw) >= 3 and pw[-1] in "东西南北" and pf in _NAME_LIKE_FLAGS:
            out[-1] = (pw[:-1], pf)  # 锦绣 华庭南 门外: the estate's south gate
            out.append((pw[-1] + w, "s"))
        else:
            out.append((w, f))
    return out


def clue_sets(text: str) -> tuple[set[str], set[str]]:
    """(specific, general) clues: specific ones name *this* matter — places, units, persons,
    address numbers and amounts; general ones name the problem (nouns, durations, grades)."""
    t = _respell((text or "")[:2000])
    sentences = [_clauses(sentence) for sentence in _SENTENCE.split(t)]
    clauses = [c for sentence in sentences for c in sentence]
    words = [wf for c in clauses for wf in c]
    specific, general = _numbers(t)
    general |= _problems(t)
    specific |= _persons(t, words)
    unit_names: set[str] = set()
    for c in clauses:
        places = _places(c)
        specific |= places | _units(c, unit_names) | _health_centres(c) | _numbered_schools(c)
        specific |= _short_roads(c, places)
    for sentence in sentences:  # 明德实验 初二 (a space between): one sentence, two clauses
        specific |= _schools_before_grade([wf for c in sentence for wf in c], unit_names)
    specific |= _pet_names(words) | {n for n in _serial_numbers(t) if f"{n[1:]}室" not in specific}
    specific |= _split_at_road(specific)
    specific |= _called(specific)
    specific |= {m.group(1) + "儿童之家" for m in _CHILDRENS_HOME.finditer(t)}
    for w, flag in words:
        if len(w) < 2 or w in _STOP or _PERSON_TITLE.fullmatch(w) or (len(w) == 2 and w[1] == "姓"):
            continue  # 李女士, 陈伯, 刘姓: the surname clue (李某) stands for them
        if m := _GRADE_WORD.match(w):  # 初二 = 初2年级, 四年级 = 4年级 (as in a class: 初二(3)班)
            general.add(f"{m.group(1) or ''}{_number(m.group(2))}年级")
            continue
        if (
            flag.startswith(_SPECIFIC_FLAGS)
            and w not in _GENERIC
            and not (w[-1] == "区" and len(w) <= 4)  # 星澜区, 澜区: a whole district, where everyone is
            and not _kind_of(w)
            and not _common_word(w, flag)
        ):
            specific.add(w)
        elif flag.startswith(_KEEP_FLAGS) or w in _GENERIC or _kind_of(w):
            general.add(w)
            # 两癌筛查 meets 两癌 … 筛查: a compound problem word also counts as its parts
            general.update(p for p in subwords(w) if p not in _STOP and p not in _GENERIC)
            if len(w) >= 3 and w[0] in "月年日" and frequency(w[1:]) >= _COMMON_FREQ:
                general.add(w[1:])  # 月工资 = 工资
        elif len(w) <= 4 and not w[:1].isdigit() and flag not in ("m", "eng", "x") and frequency(w) < _BARE_NAME_FREQ:
            general.add(BARE + w)  # 腾跃 (欠薪的事), 博远 (生物): perhaps a firm's name, written bare
    specific |= {c[1:] for c in list(specific) if len(c) >= 3 and c[0] in "路街巷" and not _kind_of(c)}  # 芯谷路博宇: 博宇
    general -= specific
    general = {g for g in general if not any(g in n for n in unit_names)}
    for m in _BULLIES_GRADE.finditer(t):  # 被几个六年级的学生欺负: the bullies' grade, not the child's
        grade = _GRADE_WORD.match(m.group(1).removesuffix("年级"))
        if grade and t.count(m.group(1)) == 1:
            general.discard(f"{grade.group(1) or ''}{_number(grade.group(2))}年级")
    return specific, general


_CHILDRENS_HOME = re.compile(r"([\u4e00-\u9fff]{2})(?:社区|村)儿童之家")  # 凤塘社区儿童之家: one venue


def _called(specific: set[str]) -> set[str]:
    """What a child named in full is called (孙小宇 and 刘宇 are 小宇 to a grandmother)."""
    out = set()
    for c in specific:
        if c[:1] in _SURNAMES and c[0] + "某" in specific and c[1:2] != "某":
            if len(c) == 3 and c[1] == "小":
                out.add(c[1:])
            elif len(c) == 2 and c[1] not in "氏家" and not _kind_of(c) and not _PERSON_TITLE.fullmatch(c):  # 李姐, 黄氏
                out.add("小" + c[1])
    return out


_BULLIES_GRADE = re.compile(r"被[^,，。被]{0,4}?((?:初|高)[一二三]|[一二三四五六1-6]年级)")


def clues(text: str) -> set[str]:
    """All clues of a request (specific and general)."""
    specific, general = clue_sets(text)
    return specific | general


# A problem word that many requests of a category use (两癌 and 筛查 for the two-cancer screening,
# 创业 for women's enterprise, 补贴 for the disability allowances) says which kind of matter, not
# which one: two requests of that category at one community share it without being one matter.
# Learned from the shipped example requests and the catalogue (``learn_typical``) and kept in
# ``corpus/typical.json`` (``manage.py routing_typical`` writes it; a test checks it is current).
TYPICAL_SHARE = 0.15
TYPICAL_MIN_EXAMPLES = 20
TYPICAL_FILE = Path(__file__).with_name("corpus") / "typical.json"


def learn_typical(labelled: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Each category's problem words found in at least ``TYPICAL_SHARE`` of its examples."""
    per: dict[str, Counter] = {}
    count: Counter = Counter()
    for text, category in labelled:
        spec, gen = clue_sets(text)
        per.setdefault(category, Counter()).update(g for g in gen - spec if g[:1] != BARE)
        count[category] += 1
    return {
        category: sorted(w for w, k in words.items() if k >= TYPICAL_SHARE * count[category])
        for category, words in sorted(per.items())
        if count[category] >= TYPICAL_MIN_EXAMPLES
    }


@lru_cache(maxsize=1)
def typical_words() -> dict[str, frozenset[str]]:
    """The shipped typical problem words by category (empty when the file is missing)."""
    try:
        data = json.loads(TYPICAL_FILE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {category: frozenset(words) for category, words in data.items()}


@dataclass
class ClueWeights:
    """Inverse document frequency of clues, learned from a corpus: a clue that many requests
    share (e.g. 工资) weighs little, a road name or a company weighs a lot."""

    n_docs: int = 0
    df: Counter = field(default_factory=Counter)
    typical: dict[str, frozenset[str]] = field(default_factory=dict)

    def fit(self, texts: list[str]) -> ClueWeights:
        self.n_docs = len(texts)
        self.df = Counter()
        for t in texts:
            self.df.update(clues(t))
        self.typical = typical_words()
        self.__dict__.pop("_typical_memo", None)
        return self

    def typical_of(self, *categories: str) -> frozenset[str]:
        """The problem words typical of any of these categories (remembered per pair: the
        duplicate check asks once per candidate)."""
        memo = self.__dict__.setdefault("_typical_memo", {})
        found = memo.get(categories)
        if found is None:
            found = memo[categories] = frozenset().union(*(self.typical.get(c, frozenset()) for c in categories))
        return found

    def weight(self, clue: str) -> float:
        return math.log((1 + self.n_docs) / (1 + self.df.get(clue, 0))) + 1.0


# Not read from a text: at intake, a case by the same requester (the same mobile number) carries
# this clue on both sides of the comparison. The same person asking again about the same problem
# is the commonest repeat; it is evidence together with a shared problem word.
SAME_REQUESTER = "同一诉求人"
_BROAD_KINDS = ("街道", "镇")  # a subdistrict or town holds many matters: a weak clue
_STRONG_KINDS = tuple(
    sorted({k for k in _KINDS.values() if k not in _BROAD_KINDS} | {"公园", "中心", "社卫"}, key=len, reverse=True)
)
_STRONG_NUMBER = re.compile(r"^(?:\d+(?:号|栋|单元|室|期|组|万|千|元)|#\d+)$")  # #0387: a serial number
_SURNAME_CLUE = re.compile(r"^.(?:某|老板|老师)$")
_HOUSE_NUMBER = re.compile(r"^\d+(?:号|室)$")  # a house or a flat; a building (栋) holds many households
NO_ANCHOR_RARE = 4  # without any shared concrete clue, this many shared rare problem words
_DATE_CLUE = re.compile(r"^\d{1,2}月\d{1,2}日$")
# the hours of one service (12小时 of one winter campaign): as concrete as a date, but not a day's 24 nor one hour
_HOURS_CLUE = re.compile(r"^(?!24小时|1小时)[1-9]\d{0,2}小时$")
# a community, a village, an estate, a park, a firm, an office or shopping centre, a market: many
# households, workers or customers
_AREA_KINDS = ("小区", "园区", "公司", "中心", "大厦", "商场", "市场", "医院")


@lru_cache(maxsize=65536)
def clue_kind(clue: str) -> str:
    """``anchor`` (a place or unit with its kind, an address number, an amount), ``person`` (a
    surname), ``requester`` (``SAME_REQUESTER``) or ``name`` (any other concrete clue: a bare
    name, a country, a subdistrict)."""
    if clue == SAME_REQUESTER:
        return "requester"
    if _SURNAME_CLUE.match(clue):
        return "person"
    if _STRONG_NUMBER.match(clue) or (len(clue) > 2 and clue.endswith(_STRONG_KINDS)):
        return "anchor"
    return "name"


def _entity(clue: str) -> str:
    """The name of a place or unit clue without its kind (锦华路 → 锦华, 星光KTV → 星光)."""
    for k in _STRONG_KINDS:
        if clue.endswith(k) and len(clue) > len(k):
            return clue[: -len(k)]
    return clue


def _distinct_places(entities: set[str], shared_specific: set[str]) -> int:
    """How many different places the shared entities are: a road and the unit written on it
    (兴业路恒鑫物流公司 → 兴业, 恒鑫) are one address, not two places."""
    groups = [{e} for e in entities]
    for clue in shared_specific:
        inside = [g for g in groups if any(e in clue for e in g)]
        if len(inside) > 1:
            merged = set().union(*inside)
            groups = [g for g in groups if g not in inside] + [merged]
    return len(groups)


# 上周已电话咨询过, 此前在网上留过言, 再次来访, 之前已有工友反映过: the request says it follows an
# earlier one, so the earlier one is likely among those already seen.
_FOLLOW_UP = re.compile(
    r"(?:上次|上回|之前|此前|前几天|前两天|前些天|前阵子|上周|上星期|上礼拜|上个月|上月|早前|先前|前天|昨天|已经|已|曾经?)"
    r"[^,，。;；!！?？]{0,12}?(?:反映|问|打|咨询|留言|留|报|说|提|投诉|来|联系|发|登记|申请|找|催)过"
    r"|(?:上次|上回|之前|此前)打(?:过)?电话|(?:上次|上回|之前|此前)[^,，。]{0,4}去过(?:你们|您们|你那|您那|这|那)"
    r"|(?:他|她|孩子|我)?(?:奶奶|爷爷|妈妈|爸爸|家长|家属|邻居|工友|同事)也[^,，。;；!！?？]{0,8}?(?:反映|找|问|投诉|报|说|来)过"
    r"|再次(?:来访|来电|反映|询问|咨询|要求|投诉|求助|致电|联系)|又来(?:电|访|问)|上次(?:说|反映|问|提)的"
    r"|(?:此前|之前|上次|先前)已?(?:来电|来访|打电话|在网上|网上)(?:反映|咨询|询问|留言|提交)"
    r"|(?:问|打|来|找|催)了?[两三几多好]+(?:次|回|遍)"
    r"|(?:上次|上回|之前|此前|先前|前几天|上周|上个月)[^,，。;；!！?？]{0,12}?(?:申请|提交|填|登记|报名|反映|咨询|问)[^,，。;；!！?？]{0,6}?的那(?:个|件|份)"
)
FOLLOW_UP_DF = 20  # with a follow-up, a shared problem word this rare in the corpus is evidence
FOLLOW_UP_BONUS = 0.1  # and the score of a pair with evidence rises by this much
PERSON_BONUS = 0.1  # as it does when both name the same surname


_OTHERS_BEFORE = re.compile(
    r"(?:工友|邻居|同事|家长|其他人|别人|大家|有人|住户|居民|村民|同学|楼上|楼下)[^,，。;；!！?？]{0,8}?"
    r"(?:反映|问|打|投诉|说|报|联系)过"
)


def follow_up(text: str | None) -> bool:
    """Whether a request says it follows an earlier one (a reminder, a second call)."""
    return bool(_FOLLOW_UP.search((text or "")[:2000]))


def follow_up_of_others(text: str | None) -> bool:
    """Whether the earlier request it follows was someone else's (之前已有工友反映过)."""
    return bool(_OTHERS_BEFORE.search((text or "")[:2000]))


def evidence(
    shared_specific: set[str],
    shared_general: set[str],
    weights: ClueWeights,
    follow_up: bool = False,
    typical: frozenset[str] | set[str] = frozenset(),
) -> bool:
    """Whether two requests share enough concrete evidence to be the same matter:

    * a place, unit, address number or amount together with a problem word (one that is not a
      kind of place, an organization or kin word, nor part of the shared place: 恒通物流 does not
      make 物流 a second clue), or with a second place or unit (锦华路 and 星光KTV), or with the
      same surname (柳岸花园6栋 and 孙某);
    * a name (not a bare surname) or a date (11月3日) with a rare problem word, or two names;
    * with no concrete clue at all, ``NO_ANCHOR_RARE`` rare problem words (a surname counts as one).
    A place alone is no matter: the same road holds many. When the newer request says it follows
    an earlier one (``follow_up``), any shared concrete clue with a problem word is enough, and so
    is a fairly rare problem word (``FOLLOW_UP_DF``). ``typical``: the problem words typical of
    the categories of both requests, which say only what kind of matter (two-cancer screening at
    one community): with no concrete clue but an area of many households or workers (a community,
    a village, an estate, a park, a firm: ``_AREA_KINDS``), they are evidence only with the same
    requester, a person's full name in both or a follow-up. A road, a school, a station, a
    building number or a village's group with them still is (the blind lane of 建设路)."""
    kinds = Counter(clue_kind(c) for c in shared_specific)
    full_names = {
        c for c in shared_specific if len(c) in (2, 3) and c[0] + "某" in shared_specific and c[1] != "某"
        and clue_kind(c) == "name" and not _kind_of(c)
    }
    if full_names:  # 刘建华 in both: a person by full name is an anchor; its surname no extra clue
        kinds["anchor"] += len(full_names)
        kinds["name"] -= len(full_names)
        kinds["person"] -= len({c[0] for c in full_names})
    problem = {
        c for c in shared_general
        if c not in _GENERIC and not any(c in s for s in shared_specific) and _UNIT_KINDS.get(c) != "公司"
    }  # a firm's trade (水产 of 鑫海水产) says what the firm does, not what the matter is
    # a shared compound and its parts (高温津贴, 高温, 津贴) are one word of evidence, not three
    problem = {c for c in problem if not any(c != o and len(o) >= 4 and c in subwords(o) for o in problem)}
    if not follow_up and not kinds["requester"] and not full_names and not any(
        clue_kind(c) == "anchor" and not c.endswith(_AREA_KINDS) for c in shared_specific
    ) and not _group_matter(shared_specific | shared_general):
        problem -= typical  # 江滩社区 … 两癌筛查 in both: two women of one community
        problem -= _DISABILITIES.keys()  # 安居南苑 … 智力残疾: two disabled residents of one estate
    rare = {c for c in problem if weights.df.get(c, 0) <= RARE_DF}
    entities = {
        _entity(c) for c in shared_specific if kinds and clue_kind(c) == "anchor" and not c[:1].isdigit()
    }
    # a bus line (218路) is a place of its own beside a village or road both name
    places = _distinct_places(entities, shared_specific) + sum(1 for c in shared_specific if _BUS_LINE.match(c))
    names = {
        c for c in shared_specific if clue_kind(c) == "name" and c not in entities and c not in full_names
    }
    names = {c for c in names if not any(c != o and c in o for o in names)}  # 石板桥 of 石板桥街道: one
    # a name that is no part of a shared place (井盖 tagged as a name) says what the matter is
    loose = {
        c
        for c in names
        if not any(c != o and c in o for o in shared_specific) and not any(e in c for e in entities)
    }
    if kinds["requester"] and any(not _kind_of(c) for c in problem | loose):
        return True  # the same person about the same problem
    if kinds["anchor"]:
        if any(not _kind_of(c) for c in problem | loose) or places + len(full_names) >= 2 or kinds["person"]:
            return True  # 陈玉珍 of 铁匠巷 in both: a person by full name at one place
        if any(_HOUSE_NUMBER.match(c) for c in shared_specific) and (
            entities or any(clue_kind(c) == "name" and not c[:1].isdigit() for c in shared_specific)
        ):
            return True  # 桂花巷 and 12号 in both: one household, not only one road
    if follow_up:
        if full_names:
            return True  # 孙志刚 again: the person by full name says which matter
        words = [c for c in problem | loose if not _kind_of(c)]
        if words and (kinds["anchor"] or kinds["person"] or names):
            return True
        if any(weights.df.get(c, 0) <= FOLLOW_UP_DF for c in words):
            return True
    if kinds["person"] and any(not _kind_of(c) for c in problem):
        if names or sum(weights.df.get(c, 0) <= FOLLOW_UP_DF for c in problem) >= 2:
            return True  # 谭某 of 鲤湾街道 about 残疾人证; 周某 … 骨折 … 工伤
    dates = {c for c in shared_general if _DATE_CLUE.match(c) or _HOURS_CLUE.match(c)}
    rare -= dates
    if len(names) >= 2 or ((names or dates) and any(not _kind_of(c) for c in rare)):
        return True  # a date is as concrete as a name: 11月3号 … 皮带 in both
    return len(rare) + kinds["person"] >= NO_ANCHOR_RARE


# Details that tell one person's matter from another's: two requests that both give one of them,
# and give different values (钱某 and 宋某, 40小时 and 120小时, 一级 and 二级 残疾), are about
# different people. Amounts and years are left out: people round them and count them differently.
# A pupil's grade (初一 and 初二) and a child's sex (儿子 and 女儿, 孙子 and 侄女) tell two families apart.
_CONFLICT = re.compile(
    r"^(?:(?P<person>.)某|\d+(?P<kind>小时|岁|级|室|栋|组)|(?:初|高)?\d(?P<grade>年级))$"
)
_BOYS = frozenset("儿子 孙子 外孙 侄子 外甥 男孩 男孩子 小伙子".split())
_GIRLS = frozenset("女儿 孙女 外孙女 侄女 外甥女 女孩 女孩子 闺女 小姑娘".split())
# A disability's kind (听力 and 肢体) tells two disabled people apart; a labour matter's kind (工伤
# and 欠薪, 加班费 and 社保, a union to found and a heat allowance, a contract never signed) two
# matters at one firm. Unpaid overtime is unpaid pay.
_DISABILITIES = {w: w for w in "视力 听力 言语 肢体 智力 精神".split()}
_ILLNESSES = {w: w for w in "癌症 尿毒症 白血病 中风 糖尿病".split()}
_DISPUTES = {"欠薪": "欠薪", "加班费": "欠薪", "工伤": "工伤", "社保": "社保", "社会保险": "社保", "五险": "社保",
             "高温": "高温", "辞退": "辞退", "孕期": "孕期", "入会": "入会", "合同": "合同"}
# the given name of the person a matter is about: 小宇, 阿强, 乐乐
_GIVEN_NAME = re.compile(r"^(?:[小阿][\u4e00-\u9fff]|([\u4e00-\u9fff])\1)$")
CONFLICT_FACTOR = 0.5  # one conflicting detail halves the score; two quarter it


# A labour matter of a firm's workforce (pay owed, a union to join, a heat allowance, social insurance
# not paid): the firm and the matter in both make one matter, told by many of its workers, whoever
# they are; an injury or a dismissal is one worker's own.
_GROUP_MATTERS = frozenset("欠薪 入会 高温 社保".split())


def _group_matter(shared: set[str]) -> bool:
    return bool(shared & _GROUP_MATTERS) and any(c.endswith("公司") and len(c) > 2 for c in shared)


def conflicts(a: set[str], b: set[str]) -> int:
    """How many kinds of personal detail both requests give with no value in common, plus one
    when both name where a nuisance comes from and no source is the same (``_sources``), plus one when
    both name a thing in public (``_PUBLIC``) and no thing is the same."""
    def by_kind(clues: set[str]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for c in clues:
            if m := _CONFLICT.match(c):
                out.setdefault(m.group("kind") or m.group("grade") or "某", set()).add(c)
        for sex, words in (("男", _BOYS), ("女", _GIRLS)):
            if clues & words:
                out.setdefault("child", set()).add(sex)
        for kind, table in (
            ("disability", _DISABILITIES), ("dispute", _DISPUTES), ("illness", _ILLNESSES), ("country", _COUNTRIES)
        ):
            if found := {table[c] for c in clues if c in table}:
                out[kind] = found
        return out

    ka, kb = by_kind(a), by_kind(b)
    if any(_GIVEN_NAME.match(c) for c in a & b):
        ka.pop("某", None)  # 小宇 in both: one child, told of by his teacher (刘某) and his mother (黄某)
    sa, sb = _sources(a), _sources(b)
    reporters_apart = bool(a & b & _PUBLIC or sa & sb or _group_matter(a & b))
    if reporters_apart:
        for kind in _REPORTER_KINDS:
            ka.pop(kind, None)
    return (
        sum(1 for k in ka.keys() & kb.keys() if not ka[k] & kb[k])
        + bool(sa and sb and not sa & sb)
        + bool(a & _PUBLIC and b & _PUBLIC and not a & b & _PUBLIC)  # one road's lamps and its manhole cover
        + (not reporters_apart and _apart(_estates(a), _estates(b)))
        + any(_schools(x, "大学") and _schools(y, "中学", "小学") and not _schools(y, "大学") for x, y in ((a, b), (b, a)))
    )  # a university and a primary school of one name (星澜大学, 星澜实验小学) are two places


def _estates(clues: set[str]) -> set[str]:
    """The names of the estates and villages a request names (上林 of 上林村, 锦樾 of 锦樾府)."""
    return {c[:-2] for c in clues if c.endswith("小区") and len(c) >= 4}


def _schools(clues: set[str], *kinds: str) -> set[str]:
    return {c for c in clues if c.endswith(kinds) and len(c) >= 4}


def _apart(a: set[str], b: set[str]) -> bool:
    """Both name some, and no name of one is part of a name of the other: 上林村 and 下岙村, two
    villages; 锦樾府 and 澜湾新城锦樾府 are one estate."""
    return bool(a and b) and not any(x in y or y in x for x in a for y in b)


# Where a nuisance comes from: two complaints about one estate's noise at night are two matters when
# one names a KTV and the other a building site (滨江花园 … KTV, 滨江花园 … 工地 打桩).
_SOURCES = ("KTV", "酒吧", "工地", "打桩", "广场舞", "烧烤", "夜市", "装修", "麻将", "舞厅", "歌厅", "冲床", "冲压", "厂",
            "火锅", "饭店", "餐馆", "排风")
_SOURCE_OF = {"打桩": "工地", "冲床": "厂", "冲压": "厂", "火锅": "饭店", "餐馆": "饭店", "排风": "饭店"}
# A thing in public that many people see and report (a street lamp, a blind lane, a mall's accessible
# toilet): their surnames and flats tell the reporters apart, not the matter; so does a nuisance
# from a source both name (the same hotpot restaurant heard from two buildings).
_PUBLIC = frozenset("路灯 盲道 无障碍卫生间 井盖 积水 停水 停电 塌方 坡道 坑洞".split())
_REPORTER_KINDS = ("某", "栋", "室")


def _sources(clues: set[str]) -> set[str]:
    joined = "|".join(clues)  # one search per source word, not one per source word and clue
    return {_SOURCE_OF.get(s, s) for s in _SOURCES if s in joined}


def _written_bare(a: set[str], b: set[str], specific: frozenset[str] | set[str]) -> set[str]:
    """The places and units of ``b`` that ``a`` names without their kind (恒达 of 恒达那个厂 is
    恒达公司; 金桂 is 金桂苑小区)."""
    return {
        c
        for c in b - a
        if c in specific
        and clue_kind(c) == "anchor"
        and not c[:1].isdigit()
        and len(e := _entity(c)) >= 2
        and e != c
        and (e in a or (BARE + e in a and c.endswith("公司")))
        and (e in specific or (c.endswith("公司") and frequency(e) < _BARE_NAME_FREQ))  # a name, not the problem word 残疾 of a junk 残疾学校
        and not any(o != e and o.startswith(e) and o[len(e):] in _KIND_NAMES for o in a)  # 港北街道
        and not c.endswith("工地")  # 巾帼创业项目 is no building site
        and frequency(e) < _COMMON_HEAD  # 中文学校: an everyday word names no one unit
    }


def meet(a: set[str], b: set[str], specific: frozenset[str] | set[str]) -> tuple[set[str], set[str]]:
    """Both clue sets with the units each names without their kind taken from the other
    (``_written_bare``): what the comparison and the list of shared clues start from."""
    a_bare, b_bare = _written_bare(a, b, specific), _written_bare(b, a, specific)
    return {c for c in a if c[:1] != BARE} | a_bare, {c for c in b if c[:1] != BARE} | b_bare


@lru_cache(maxsize=65536)
def _variants(clues: frozenset[str], specific: frozenset[str]) -> tuple[tuple[str, ...], ...]:
    """The clues grouped by what they name: the ways one place, unit or person is written
    (澜江区实验小学, 澜江学校, 实验小学) and a problem word with its parts (护理补贴, 护理, 补贴)
    weigh as one clue, so a request that writes one thing in many ways does not drown the rest."""
    items = sorted(clues)
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    keys = []
    for c in items:
        k = _entity(c) if c in specific else c
        keys.append(k if len(k) >= 2 and not c[:1].isdigit() else None)
    for i, c in enumerate(items):
        if keys[i] is None:
            continue
        for j in range(i + 1, len(items)):
            o = items[j]
            if keys[j] is None or (c in specific) != (o in specific):
                continue
            if keys[i] in o or keys[j] in c:
                parent[find(i)] = find(j)
    groups: dict[int, list[str]] = {}
    for i, c in enumerate(items):
        groups.setdefault(find(i), []).append(c)
    return tuple(tuple(g) for g in groups.values())


def similarity(
    a: set[str],
    b: set[str],
    weights: ClueWeights,
    specific: frozenset[str] | set[str] = frozenset(),
    follow_up: bool = False,
    typical: frozenset[str] | set[str] = frozenset(),
    met: tuple[set[str], set[str]] | None = None,
) -> float:
    """Weighted overlap of two clue sets, 0..1 (a weighted cosine); concrete clues (places,
    units, persons, numbers) weigh ``SPECIFIC_BOOST`` times more than problem words, and problem
    words one side only says weigh ``ONE_SIDED_GENERAL`` in its norm; the ways one thing is written
    count once (``_variants``). 0 when the shared clues are not enough ``evidence`` of one matter;
    ``follow_up`` (the newer request says it follows an earlier one) asks for less evidence and
    adds ``FOLLOW_UP_BONUS``; ``typical``: the problem words typical of both requests' category
    (``ClueWeights.typical``), no evidence on their own; ``met``: ``meet(a, b, specific)`` when
    the caller has it already."""
    if not a or not b:
        return 0.0
    a, b = met if met is not None else meet(a, b, specific)
    shared = a & b
    if not shared:
        return 0.0
    shared_specific = shared & set(specific)
    if not evidence(shared_specific, shared - shared_specific, weights, follow_up, typical):
        return 0.0

    def w(c: str) -> float:
        return weights.weight(c) * (SPECIFIC_BOOST if c in specific else 1.0)

    # A thing in public (a blind lane, a street lamp): who reports it, by name or flat, is not the
    # matter, so one side's reporter weighs as little as a problem word the other does not say.
    public = bool(shared & _PUBLIC)

    def reporter(c: str, clues: set[str]) -> bool:
        return public and (
            bool(_SURNAME_CLUE.match(c)) or c.endswith(_REPORTER_KINDS[1:]) or (len(c) in (2, 3) and c[0] + "某" in clues)
        )

    def norm(clues: set[str]) -> float:
        return sum(
            max(w(c) ** 2 for c in g)
            * (1.0 if any(c in shared or (c in specific and not reporter(c, clues)) for c in g) else ONE_SIDED_GENERAL)
            for g in _variants(frozenset(clues), frozenset(specific & clues))
        )

    na, nb = norm(a), norm(b)
    lo, hi = min(na, nb), max(na, nb)
    common = sum(max(w(c) ** 2 for c in g) for g in _variants(frozenset(shared), frozenset(shared_specific)))
    score = common / (lo**SHORT_SIDE * hi ** (1 - SHORT_SIDE))
    if any(_SURNAME_CLUE.match(c) for c in shared_specific):
        score += PERSON_BONUS  # the same surname beside the evidence: rarely two people's matters
    return (score + (FOLLOW_UP_BONUS if follow_up else 0.0)) * CONFLICT_FACTOR ** conflicts(a, b)


@dataclass
class Seen:
    key: object
    clues: set[str]
    specific: set[str]
    organization: str
    categories: tuple[str, ...]
    day: float = 0.0


class Deduper:
    """Requests arrive one by one; ``check`` returns the earlier request this one most likely
    repeats (or None) and then remembers it. Two requests are compared only within
    ``window_days`` and when their likeliest categories agree (one's first among the other's
    first two); when only that weaker agreement holds (their first categories differ), the score
    must clear ``threshold + CATEGORY_MARGIN``."""

    def __init__(
        self,
        weights: ClueWeights,
        threshold: float = DEFAULT_THRESHOLD,
        window_days: float = DEFAULT_WINDOW_DAYS,
        category_margin: float | None = None,
    ):
        self.weights = weights
        self.threshold = threshold
        self.window_days = window_days
        self.category_margin = CATEGORY_MARGIN if category_margin is None else category_margin
        self.seen: list[Seen] = []

    def best(self, text: str, categories: tuple[str, ...], day: float = 0.0):
        """((specific, all clues), key of the best earlier request, its score); the score is
        lowered by ``category_margin`` when the first categories differ."""
        spec, gen = clue_sets(text)
        c = spec | gen
        again = follow_up(text)
        best_key, best_score = None, 0.0
        for s in self.seen:
            if abs(day - s.day) > self.window_days:
                continue
            penalty, typical = 0.0, frozenset()
            if categories and categories[0] and s.categories[:1] and s.categories[0]:
                if categories[0] != s.categories[0]:
                    if not (categories[0] in s.categories[:2] or s.categories[0] in categories[:2]):
                        continue  # the two requests are not about the same kind of matter
                    penalty = self.category_margin
                typical = self.weights.typical_of(categories[0], s.categories[0])
            score = similarity(c, s.clues, self.weights, spec | s.specific, again, typical) - penalty
            if score > best_score:
                best_key, best_score = s.key, score
        return (spec, c), best_key, best_score

    def check(self, key, text: str, categories: tuple[str, ...], day: float = 0.0):
        (spec, c), best_key, score = self.best(text, categories, day)
        org = categories[0].split(".", 1)[0] if categories else ""
        self.seen.append(Seen(key, c, spec, org, tuple(categories), day))
        return (best_key if score >= self.threshold else None), score


DuplicateFinder = Deduper  # the name routing_eval has used

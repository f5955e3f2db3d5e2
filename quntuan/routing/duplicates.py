"""Likely duplicates: the same matter told in other words shares its concrete clues — the place
(roads, communities, building numbers), the company or school, the person, the amounts — and its
problem, not its wording.

Clues are a pure function of the text (``CLUE_VERSION`` changes whenever the extraction does, so
stored clues can be recomputed):

* places and units are built from jieba's words, so a clue always starts at a word boundary: a
  name (one or two name-like words, 锦华 / 幸福 里 / 康辉) followed by a kind word (路, 小区, 村,
  食品厂, 小学, KTV …). The kind is normalized (小区 = 社区 = 花园 = 苑 …, 有限公司 = 公司) and the
  name is also a clue on its own, so 幸福里小区 meets 幸福里社区 and 康辉食品厂 meets 康辉食品;
* numbers are normalized (三号楼 = 3号楼 = 3栋, 二十多万 = 二十来万 = 20万, 六十余小时 = 60多个小时);
* persons by surname (张大爷 = 张老伯 = 张某, 姓刘 = 刘某 = 老刘) and full names;
* jieba's proper-noun tags (ns/nr/nz/nt) for the rest, minus kinship, role and organization words.

Two requests are compared by the rarity-weighted cosine of their clues, concrete clues weighing
more than problem words; a pair is a candidate only when it shares an anchor (a place, unit,
full name or amount, or two weaker clues such as a surname and a building number), its problem
words overlap and its likeliest categories agree."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from quntuan.routing.segment import frequency, subwords, tagged

CLUE_VERSION = 4
DEFAULT_THRESHOLD = 0.42  # best pooled F0.5 over train→dev and dev→train, centre of the widest plateau
DEFAULT_WINDOW_DAYS = 60
SPECIFIC_BOOST = 1.5
SHORT_SIDE = 0.6  # 0.5 would be the cosine; above it the shorter request's share of shared clues counts more
RARE_DF = 5  # a shared problem word counts as evidence only when it is rare in the corpus
CATEGORY_MARGIN = 0.25  # extra score needed when the two first categories differ (middle of the CV plateau)

# --- numbers -------------------------------------------------------------------------------------
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUM = r"(\d+|[零〇一二两三四五六七八九十百千]+)"
_APPROX = r"(?:多|余|来|几|出头)?"
# address numbers: the strongest numeric clue (18号, 3号楼 = 3栋, 2603室, 三期)
_ADDRESS = re.compile(_NUM + r"(号楼|号院|号|栋|幢|单元|室|期)")
_MONEY = re.compile(_NUM + _APPROX + r"(万元|万块|万|千元|千块|元|块钱|块)")
_DURATION = re.compile(_NUM + _APPROX + r"个?" + _APPROX + r"(个月|小时|年级|岁|级|年|天|周|星期|礼拜)")
_ADDRESS_KIND = {"号楼": "栋", "幢": "栋", "号院": "号"}
_MONEY_KIND = {"万元": "万", "万块": "万", "千元": "千", "千块": "千", "块钱": "元", "块": "元"}
_DURATION_KIND = {"星期": "周", "礼拜": "周"}


def _number(s: str) -> int | None:
    """``18`` / ``十八`` / ``二十`` / ``一百二十`` / ``2603`` → int (None when it is no number)."""
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if all(c in _CN_DIGITS for c in s):  # 二六〇三 read digit by digit
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    total, digit = 0, None
    for c in s:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        elif c in _CN_UNITS:
            total += (1 if digit is None else digit) * _CN_UNITS[c]
            digit = None
        else:
            return None
    return total + (digit or 0)


def _numbers(t: str) -> tuple[set[str], set[str]]:
    """(specific, general) number clues of a text, normalized to Arabic digits and one unit."""
    specific: set[str] = set()
    general: set[str] = set()
    for rx, kinds, target in (
        (_ADDRESS, _ADDRESS_KIND, specific),
        (_MONEY, _MONEY_KIND, specific),
        (_DURATION, _DURATION_KIND, general),
    ):
        for m in rx.finditer(t):
            n = _number(m.group(1))
            if n is None or (n == 1 and target is general):
                continue
            target.add(f"{n}{kinds.get(m.group(2), m.group(2))}")
    return specific, general


# --- places and units ----------------------------------------------------------------------------
# kind word → normalized kind (longest match first). A kind alone (医院, 小区) names no place.
_KINDS = dict(
    pair.split(":")
    for pair in (
        "大道:路 大街:路 路:路 街:路 巷:路 胡同:路 街道:街道 镇:镇 乡:镇 村:村 小区:小区 社区:小区 花园:小区 新村:小区 家园:小区 苑:小区 公寓:小区 "
        "新城:小区 山庄:小区 名苑:小区 华府:小区 园区:园区 产业园:园区 创园:园区 工业园:园区 广场:广场 大厦:大厦 商场:商场 市场:市场 超市:超市 有限公司:公司 "
        "公司:公司 集团:公司 工厂:公司 厂:公司 物流:公司 快递:公司 电子:公司 食品:公司 服装:公司 制衣:公司 建筑:公司 保洁:公司 家政:公司 餐饮:公司 "
        "商贸:公司 贸易:公司 置业:公司 地产:公司 汽修:公司 印刷:公司 包装:公司 运输:公司 装饰:公司 化工:公司 纺织:公司 医药:公司 小学:小学 中学:中学 大学:大学 学校:学校 学院:学校 幼儿园:幼儿园 医院:医院 卫生院:医院 诊所:医院 科技馆:馆 "
        "图书馆:馆 博物馆:馆 体育馆:馆 文化馆:馆 纪念馆:馆 KTV:KTV ktv:KTV 酒店:店 宾馆:店 饭店:店 餐厅:店 健身房:店 工地:工地 项目:工地 "
        "地铁站:站 车站:站 公交站:站"
    ).split()
)
_KIND_WORDS = sorted(_KINDS, key=len, reverse=True)
# Words that never name one place or unit: administrative prefixes, ordinals, kinds of things.
_NOT_A_NAME = set(
    "区 市 县 省 镇 村 乡 本区 我区 全区 该 本 我 我们 他们 这个 那个 这 那 附近 对面 旁边 门口 周边 家 家里 区里 村里 市里 我厂 新 老 大 小 第一 "
    "第二 人民 中心 民营 私营 外资 国有 一家 某 食品 机械 服装 电子 科技 建筑 物流 快递 外卖 物业 保安 保洁 餐饮 网络 信息 文化 教育 培训 商贸 贸易 工程 "
    "装修 家政 平台 互联网 职业 技术 专科 特殊 公办 民办 私立 公立 社区 小区 街道 学校 医院 公司 工地 项目 马路 省城 城区 市区 郊区 农村 城市 路上 街上 "
    "城里 乡下 老家 单位 隔壁".split()
)
_PUBLIC_VENUES = ("馆", "医院", "广场")  # a district's or city's own: one of its kind
_NAME_FLAGS = ("n", "nr", "ns", "nz", "nt", "nrt", "nrfg", "j", "a", "eng", "vn", "l")
_MAX_NAME = 6

# --- persons -------------------------------------------------------------------------------------
# Common surnames (characters that rarely start a common word after 老/小/姓 are kept).
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮"
    "柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古"
    "吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫"
    "寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_PERSON_TITLE = re.compile(
    r"([\u4e00-\u9fff])(?:某某|某|先生|女士|小姐|师傅|老伯|伯伯|大爷|大伯|大妈|大娘|大姐|大哥|阿姨|"
    r"奶奶|爷爷|婆婆|叔叔|老师|医生|经理|主任|老板|同学|律师|伯|叔|姐|哥)"
)
_PERSON_NAMED = re.compile(r"(?:姓|叫)([\u4e00-\u9fff])")
# 老/小 + these is a word, not a person (老公, 小区, 小时, 老家, 小学 …)
_NOT_FAMILIAR = set("公区时家学人板伴师乡年头朋孩子友妹弟哥姐")

# --- problem words -------------------------------------------------------------------------------
_KEEP_FLAGS = ("ns", "nt", "nr", "nz", "nrt", "n", "vn", "nrfg", "eng")
_SPECIFIC_FLAGS = ("ns", "nt", "nr", "nz", "nrt", "nrfg")
_STOP = set(
    "来电人 来电 来访人 来访 反映 希望 请求 问题 情况 时候 现在 事情 部门 本人 市民 联系人 咨询 工作 帮助 帮忙 申请 办理 材料 政策 孩子 家里 东西 地方 "
    "电话 有人 大家 区里 多次 相关 小区 社区 人称 问问 管管 能管 消息 结果 你好 请问 谢谢 麻烦 怎么办 一下".split()
)
# Kinship, role, kind-of-place and organization words that jieba tags as names or that the kinds
# above catch: they say what kind of person or place, not which one, so they are problem words.
_GENERIC = set(
    "老公 丈夫 老婆 妻子 母亲 父亲 儿子 女儿 孩子 爸爸 妈妈 老伴 婆婆 家人 女士 先生 老人 司机 师傅 老师 同学 邻居 员工 职工 工人 社区 小区 医院 学校 "
    "公司 单位 工地 平台 项目 公交公司 老板 家长 领导 工会 总工会 妇联 侨联 科协 残联 团委 团区委 共青团 团组织 居委会 村委会 街道办 派出所 物业 政府 区政府 "
    "法院 律师 学会 协会 政协 老伯 大爷 大妈 大娘 阿姨 奶奶 爷爷 叔叔 伯伯 大姐 大哥 小伙 回国 国外 海外 天文 家族 银行卡 礼拜 严肃处理 新证 漏报 卫生室".split()
)
_PUNCT = re.compile(r"[^\w\u4e00-\u9fff]+")


def _trim_name(parts: list[str]) -> str:
    while parts and parts[0] in _NOT_A_NAME:
        parts = parts[1:]
    name = "".join(parts)
    for p in ("本区", "我区", "区内", "区", "市"):
        if name.startswith(p) and len(name) - len(p) >= 2:
            name = name[len(p) :]
            break
    return name


@lru_cache(maxsize=65536)
def _kind_of(word: str) -> tuple[str, str] | None:
    """(stem inside the word, normalized kind) when ``word`` ends with a kind word."""
    for k in _KIND_WORDS:
        if word.endswith(k):
            return word[: -len(k)], _KINDS[k]
    return None


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
            elif pw in _STOP or pw in _GENERIC or not pf.startswith(_NAME_FLAGS) and pw != "里":
                break
            if _kind_of(pw) and pw != "里" and not parts:
                break  # 建设路 医院: the road is its own clue
            if size + len(pw) > _MAX_NAME:
                break
            parts.insert(0, pw)
            size += len(pw)
            j -= 1
        if w == "里":
            parts.append("里")
        name = _trim_name(parts)
        if stem and stem not in _NOT_A_NAME:
            full = _trim_name([*parts, stem]) if parts else stem
            if len(full) >= 2 and full not in _NOT_A_NAME:
                out.add(full + norm)
        if len(name) >= 2 and name not in _NOT_A_NAME and name not in _GENERIC:
            out.add(name)
            out.add(name + norm)
        elif not name and norm in _PUBLIC_VENUES and i and words[i - 1][0] in ("区", "市", "县"):
            out.add(words[i - 1][0] + w)  # 区科技馆: the district has one
    return out


_ROAD_CHARS = "路街巷"


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


def _persons(t: str, words: list[tuple[str, str]]) -> set[str]:
    out: set[str] = set()
    for rx in (_PERSON_TITLE, _PERSON_NAMED):
        for m in rx.finditer(t):
            if m.group(1) in _SURNAMES:
                out.add(m.group(1) + "某")
    for i, (w, _f) in enumerate(words):
        # 老马, 小周 as a word of their own (word boundaries keep 老房子 and 小区 out)
        if len(w) == 2 and w[0] in "老小" and w[1] in _SURNAMES and w[1] not in _NOT_FAMILIAR:
            out.add(w[1] + "某")
        elif w in ("老", "小") and i + 1 < len(words) and words[i + 1][1].startswith("nr"):
            c = words[i + 1][0][0]
            if c in _SURNAMES and c not in _NOT_FAMILIAR:
                out.add(c + "某")
    for i, (w, f) in enumerate(words):
        prev = words[i - 1][0] if i else ""
        if (
            len(w) == 2
            and f.startswith(("nr", "ns", "nz"))
            and prev[-1:] in _SURNAMES
            and (len(prev) == 1 or prev[:-1] in ("人", "叫", "是", "找"))
            and w not in _GENERIC
        ):
            out.add(prev[-1] + w)  # 来访人王桂兰 → 人王 / 桂兰: the name is 王桂兰
            out.add(prev[-1] + "某")
            continue
        if w[0] in _ROAD_CHARS and i and words[i - 1][1].startswith(("n", "ns")):
            continue  # 兴业 路恒鑫: a road, not Mr 路
        if (
            f.startswith("nr")
            and len(w) == 3
            and w[0] in _SURNAMES
            and w not in _GENERIC
            and not _PERSON_TITLE.fullmatch(w)
        ):
            out.add(w[0] + "某")
            out.add(w)
    return out


_COMMON_FREQ = 300  # jieba's dictionary tags some everyday words as names (康复 nr, 1018 times)


def _common_word(w: str, flag: str) -> bool:
    """A word jieba tags as a person's name that cannot be one: four characters or more
    (法律援助), or a word the dictionary counts as common (康复)."""
    return flag.startswith("nr") and (len(w) > 3 or frequency(w) >= _COMMON_FREQ)


def _clauses(t: str) -> list[list[tuple[str, str]]]:
    return [tagged(c) for c in _PUNCT.split(t) if c]


def clue_sets(text: str) -> tuple[set[str], set[str]]:
    """(specific, general) clues: specific ones name *this* matter — places, units, persons,
    address numbers and amounts; general ones name the problem (nouns, durations, grades)."""
    t = (text or "")[:2000]
    clauses = _clauses(t)
    words = [wf for c in clauses for wf in c]
    specific, general = _numbers(t)
    specific |= _persons(t, words)
    for c in clauses:
        specific |= _places(c)
    specific |= _split_at_road(specific)
    for w, flag in words:
        if len(w) < 2 or w in _STOP or _PERSON_TITLE.fullmatch(w):
            continue  # 李女士, 陈伯: the surname clue (李某) stands for them
        if (
            flag.startswith(_SPECIFIC_FLAGS)
            and w not in _GENERIC
            and not _kind_of(w)
            and not _common_word(w, flag)
        ):
            specific.add(w)
        elif flag.startswith(_KEEP_FLAGS) or w in _GENERIC or _kind_of(w):
            general.add(w)
            # 两癌筛查 meets 两癌 … 筛查: a compound problem word also counts as its parts
            general.update(p for p in subwords(w) if p not in _STOP and p not in _GENERIC)
    general -= specific
    return specific, general


def clues(text: str) -> set[str]:
    """All clues of a request (specific and general)."""
    specific, general = clue_sets(text)
    return specific | general


@dataclass
class ClueWeights:
    """Inverse document frequency of clues, learned from a corpus: a clue that many requests
    share (e.g. 工资) weighs little, a road name or a company weighs a lot."""

    n_docs: int = 0
    df: Counter = field(default_factory=Counter)

    def fit(self, texts: list[str]) -> ClueWeights:
        self.n_docs = len(texts)
        self.df = Counter()
        for t in texts:
            self.df.update(clues(t))
        return self

    def weight(self, clue: str) -> float:
        return math.log((1 + self.n_docs) / (1 + self.df.get(clue, 0))) + 1.0


_BROAD_KINDS = ("街道", "镇")  # a subdistrict or town holds many matters: a weak clue
_STRONG_KINDS = tuple(sorted({k for k in _KINDS.values() if k not in _BROAD_KINDS}, key=len, reverse=True))
_STRONG_NUMBER = re.compile(r"^\d+(?:号|栋|单元|室|期|万|千|元)$")
_SURNAME_CLUE = re.compile(r"^.某$")
_HOUSE_NUMBER = re.compile(r"^\d+(?:号|室)$")  # a house or a flat; a building (栋) holds many households
NO_ANCHOR_RARE = 4  # without any shared concrete clue, this many shared rare problem words


@lru_cache(maxsize=65536)
def clue_kind(clue: str) -> str:
    """``anchor`` (a place or unit with its kind, an address number, an amount), ``person`` (a
    surname) or ``name`` (any other concrete clue: a bare name, a country, a subdistrict)."""
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


def evidence(shared_specific: set[str], shared_general: set[str], weights: ClueWeights) -> bool:
    """Whether two requests share enough concrete evidence to be the same matter:

    * a place, unit, address number or amount together with a problem word (one that is not a
      kind of place, an organization or kin word, nor part of the shared place: 恒通物流 does not
      make 物流 a second clue), or with a second place or unit (锦华路 and 星光KTV), or with the
      same surname (柳岸花园6栋 and 孙某);
    * a name (not a bare surname) with a rare problem word, or two names;
    * with no concrete clue at all, ``NO_ANCHOR_RARE`` rare problem words (a surname counts as one).
    A place alone is no matter: the same road holds many."""
    kinds = Counter(clue_kind(c) for c in shared_specific)
    full_names = {
        c for c in shared_specific if len(c) == 3 and c[0] + "某" in shared_specific and c[1] != "某"
    }
    if full_names:  # 刘建华 in both: a person by full name is an anchor; its surname no extra clue
        kinds["anchor"] += len(full_names)
        kinds["name"] -= len(full_names)
        kinds["person"] -= len({c[0] for c in full_names})
    problem = {c for c in shared_general if c not in _GENERIC and not any(c in s for s in shared_specific)}
    # a shared compound and its parts (高温津贴, 高温, 津贴) are one word of evidence, not three
    problem = {c for c in problem if not any(c != o and len(o) >= 4 and c in subwords(o) for o in problem)}
    rare = {c for c in problem if weights.df.get(c, 0) <= RARE_DF}
    entities = {
        _entity(c) for c in shared_specific if kinds and clue_kind(c) == "anchor" and not c[:1].isdigit()
    }
    places = _distinct_places(entities, shared_specific)
    names = {
        c for c in shared_specific if clue_kind(c) == "name" and c not in entities and c not in full_names
    }
    # a name that is no part of a shared place (井盖 tagged as a name) says what the matter is
    loose = {c for c in names if not any(c != o and c in o for o in shared_specific)}
    if kinds["anchor"]:
        if any(not _kind_of(c) for c in problem | loose) or places >= 2 or kinds["person"]:
            return True
        if entities and any(_HOUSE_NUMBER.match(c) for c in shared_specific):
            return True  # 桂花巷 and 12号 in both: one household, not only one road
    if len(names) >= 2 or (names and any(not _kind_of(c) for c in rare)):
        return True
    return len(rare) + kinds["person"] >= NO_ANCHOR_RARE


def similarity(
    a: set[str], b: set[str], weights: ClueWeights, specific: frozenset[str] | set[str] = frozenset()
) -> float:
    """Weighted overlap of two clue sets, 0..1 (a weighted cosine); concrete clues (places,
    units, persons, numbers) weigh ``SPECIFIC_BOOST`` times more than problem words. 0 when the
    shared clues are not enough ``evidence`` of one matter."""
    if not a or not b:
        return 0.0
    shared = a & b
    if not shared:
        return 0.0
    shared_specific = shared & set(specific)
    if not evidence(shared_specific, shared - shared_specific, weights):
        return 0.0

    def w(c: str) -> float:
        return weights.weight(c) * (SPECIFIC_BOOST if c in specific else 1.0)

    na = sum(w(c) ** 2 for c in a)
    nb = sum(w(c) ** 2 for c in b)
    lo, hi = min(na, nb), max(na, nb)
    return sum(w(c) ** 2 for c in shared) / (lo**SHORT_SIDE * hi ** (1 - SHORT_SIDE))


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
        best_key, best_score = None, 0.0
        for s in self.seen:
            if abs(day - s.day) > self.window_days:
                continue
            penalty = 0.0
            if categories and categories[0] and s.categories[:1] and s.categories[0]:
                if categories[0] != s.categories[0]:
                    if not (categories[0] in s.categories[:2] or s.categories[0] in categories[:2]):
                        continue  # the two requests are not about the same kind of matter
                    penalty = self.category_margin
            score = similarity(c, s.clues, self.weights, spec | s.specific) - penalty
            if score > best_score:
                best_key, best_score = s.key, score
        return (spec, c), best_key, best_score

    def check(self, key, text: str, categories: tuple[str, ...], day: float = 0.0):
        (spec, c), best_key, score = self.best(text, categories, day)
        org = categories[0].split(".", 1)[0] if categories else ""
        self.seen.append(Seen(key, c, spec, org, tuple(categories), day))
        return (best_key if score >= self.threshold else None), score


DuplicateFinder = Deduper  # the name routing_eval has used

"""Duplicate detection: clue extraction on invented requests, the evidence rule and the Deduper,
and a last check on our own invented held-out set (``duplicates_fresh.jsonl``)."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quntuan.routing import duplicates as d
from quntuan.routing.model import catalogue_examples

FRESH = Path(__file__).with_name("duplicates_fresh.jsonl")
ALIAS = Path(__file__).with_name("duplicates_alias.jsonl")


def spec(text: str) -> set[str]:
    return d.clue_sets(text)[0]


def test_clue_version_is_an_int():
    assert isinstance(d.CLUE_VERSION, int) and d.CLUE_VERSION >= 3


def test_place_with_number_starts_at_a_word_boundary():
    s = spec("投诉锦华路18号星光KTV夜间噪音扰民")
    assert {"锦华路", "锦华", "18号", "星光KTV", "星光"} <= s
    assert not any(c.startswith("投诉") for c in s)  # the verb before the road is no part of it


def test_numbers_are_normalized():
    assert "3栋" in spec("住在新华路三号楼") and "3栋" in spec("新华路3号楼楼下")
    assert "3栋" in spec("幸福里3栋")
    assert "200000元" in spec("欠大家工钱共二十多万") and "200000元" in spec("总共二十来万")
    assert "12号" in spec("永安巷12号院的下水道堵了") and "12号" in spec("家住永安巷12号")


def test_community_kinds_and_company_suffixes_meet():
    assert {"幸福里", "幸福里小区"} <= spec("她父亲住幸福里小区") & spec("幸福里社区网格员反映")
    assert "顺达公司" in spec("我在顺达物流做分拣") & spec("顺达物流有限公司拖欠工资")
    assert "康辉公司" in spec("康辉食品厂冷库") & spec("康辉食品冷库的")


def test_persons_by_surname_and_full_name():
    assert "张某" in spec("张老伯的女儿来电") & spec("网格员代张大爷反映")
    assert "刘某" in spec("那个姓刘的又打老婆了") & spec("丈夫刘某喝了酒就打她")
    assert "马某" in spec("我们车间的老马 儿子白血病") & spec("我厂职工马某某申请大病救助")
    assert {"刘建华", "刘某"} <= spec("来电人刘建华反映")


def test_generic_words_are_not_clues():
    assert spec("小区门口的医院") == set()
    assert spec("我老公每天很晚回家,小区里的老人") == set()  # 老公, 小区 name no one
    assert spec("在区第二小学读五年级") == set()
    specific, general = d.clue_sets("请工会和妇联帮帮忙")
    assert specific == set() and {"工会", "妇联"} <= general


def test_evidence_needs_the_problem_too():
    w = d.ClueWeights().fit(["x"])
    assert not d.evidence({"柳岸小区", "柳岸"}, {"花园"}, w)  # the same place only
    assert d.evidence({"柳岸小区", "柳岸"}, {"保护令"}, w)  # the same place and problem
    assert d.evidence({"柳岸小区", "6栋", "孙某"}, set(), w)  # place, building and surname
    assert d.evidence({"锦华路", "锦华", "星光KTV", "星光"}, set(), w)  # two places
    assert not d.evidence({"李某"}, {"残疾人证"}, w)  # a bare surname is no anchor


def _deduper(texts):
    return d.Deduper(d.ClueWeights().fit(texts + [t for t, _ in catalogue_examples()]))


def test_same_matter_in_other_words_is_found():
    a = "来电人反映,枫林路十二号院化粪池满溢,污水流到路面,臭味很大,已经一个多星期了。"
    b = "枫林路12号院的化粪池堵了好多天了 脏水流得到处都是 臭死了 到底谁来管"
    dd = _deduper([a, b])
    assert dd.check("a", a, ("other.government",)) == (None, 0.0)
    key, score = dd.check("b", b, ("other.government",))
    assert key == "a" and score >= d.DEFAULT_THRESHOLD


def test_same_place_different_matter_is_not():
    a = "柳岸花园的业主反映小区停车位被外来车辆长期占用,物业不作为。"
    b = "来电人称她在柳岸花园,邻居家的狗天天半夜叫,影响休息。"
    dd = _deduper([a, b])
    dd.check("a", a, ("other.government",))
    assert dd.check("b", b, ("other.government",))[0] is None


def test_same_company_different_problem_is_not():
    a = "恒通物流 两个月没发工资了 我们装卸班二十几个人 老板一直拖 工会能管吗"
    b = "来电人刘先生称,他在恒通物流做司机,公司要求每天开车十四个小时,不给加班费,想问工会怎么维权。"
    dd = _deduper([a, b])
    dd.check("a", a, ("union.legal",))
    assert dd.check("b", b, ("union.legal",))[0] is None


def test_category_and_window_limit_the_comparison():
    a = "枫林路12号院化粪池满溢,污水流到路面"
    b = "枫林路十二号院的化粪池堵了 污水到处流"
    dd = _deduper([a, b])
    dd.check("a", a, ("other.government", "disabled.access"), day=0)
    assert dd.check("b", b, ("youth.care", "women.rights"), day=1)[0] is None  # another kind of matter
    assert dd.check("c", b, ("other.government",), day=90)[0] is None  # outside the window
    assert dd.check("d", b, ("other.government",), day=2)[0] in ("a", "b")


def _score_fresh(path: Path = FRESH) -> tuple[int, int, int]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    dd = _deduper([r["text"] for r in rows])
    group_of: dict[str, str | None] = {}
    seen: set[str] = set()
    tp = fp = positives = 0
    for r in rows:
        dup, _ = dd.check(r["id"], r["text"], (r["category"],))
        g = r["dup_group"]
        group_of[r["id"]] = g
        if g:
            positives += g in seen
            seen.add(g)
        if dup is not None:
            if g and group_of[dup] == g:
                tp += 1
            else:
                fp += 1
    return tp, fp, positives


@pytest.mark.skipif(not FRESH.is_file(), reason="fixture absent")
def test_own_held_out_set():
    """60 invented requests, 15 duplicate pairs and hard negatives (same road, company, school or
    estate with another matter); categories as labelled, so only the duplicate step is measured."""
    tp, fp, positives = _score_fresh()
    assert positives == 15
    assert tp / (tp + fp) >= 0.9
    assert tp / positives >= 0.85


def test_a_road_written_before_a_unit_is_split():
    s = spec("她在东升路宏图包装公司做质检")
    assert {"东升路", "宏图公司", "宏图"} <= s
    assert "路某" not in s  # 路宏图 is no Mr 路


def test_a_full_name_split_by_jieba_is_joined():
    assert {"王秀芬", "王某"} <= spec("来访人王秀芬,七十岁") & spec("我妈叫王秀芬")


def test_compound_problem_words_meet_their_parts():
    _, a = d.clue_sets("石桥社区的两癌筛查还能约吗")
    _, b = d.clue_sets("石桥社区通知的两癌免费筛查名额已满")
    assert {"两癌", "筛查"} <= a & b


def test_everyday_words_tagged_as_names_are_problem_words():
    specific, general = d.clue_sets("孩子正在医院做康复,申请法律援助")
    assert not {"康复", "法律援助"} & specific


def test_one_house_is_evidence_one_building_is_not():
    w = d.ClueWeights().fit(["x"])
    assert d.evidence({"石榴巷", "石榴", "8号"}, set(), w)  # the same house on the same lane
    assert not d.evidence({"银杏小区", "银杏", "5栋"}, set(), w)  # a building holds many households
    assert d.evidence({"区图书馆"}, {"借书证"}, w)  # the district's one library


def test_a_road_and_the_unit_on_it_are_one_place():
    w = d.ClueWeights().fit(["x"])
    shared = {"东升路", "东升", "宏图公司", "宏图", "东升路宏图公司", "东升路宏图"}
    assert not d.evidence(shared, {"公司"}, w)  # the same company, nothing of the matter


# --- clues written differently (clue version 5) ------------------------------------------------


def test_a_unit_written_short_meets_its_full_name():
    assert "明德学校" in spec("明德实验 初二 我儿子又被打了") & spec("她儿子在明德实验中学读初二")
    assert "育才学校" in spec("孩子在育才实验读初一") & spec("育才实验的班主任不管")
    assert "人民医院" in spec("她在区人民医院做的筛查") & spec("人民医院的报告还没出")
    assert "政务中心" in spec("区政务服务中心的窗口") & spec("政务中心窗口态度差")


def test_a_trade_name_meets_its_branch():
    assert "飞捷公司" in spec("他在飞捷速运有限公司做分拣") & spec("我在飞捷分拣中心上夜班") & spec(
        "飞捷速运分拣员反映"
    )
    assert "鑫达公司" in spec("鑫达机械制造有限公司的冲床") & spec("鑫达厂的冲床")
    assert "蓝海公司" in spec("她在蓝海餐饮公司做服务员") & spec("蓝海酒楼的经理")
    assert "御景小区" in spec("御景湾二期十五楼") & spec("御景湾小区的物业")


def test_common_words_and_roads_make_no_unit():
    assert "建设路医院" not in spec("建设路医院门口盲道被占")  # a road, not a hospital's name
    assert "东方公司" not in spec("东方机床厂工会")  # 东方 is an everyday word, no head
    assert not any(c.endswith("学校") for c in spec("我女儿 初二 成绩下滑"))  # kin before a grade
    assert "宏图公司" in spec("她在东升路宏图包装公司做质检")


def test_flat_numbers_whatever_the_writing():
    flats = [
        "桂香园3-2-502 楼上天天半夜蹦跳",
        "家住桂香园3栋2单元502,楼上",
        "桂香园3号楼2单元502室",
        "桂香园3栋 隔壁502",
    ]
    for t in flats:
        assert {"3栋", "502室"} <= spec(t), t
    assert {"1栋", "102室"} <= spec("幸福家园一栋一零二的下水道") & spec("幸福家园1栋102室")
    assert "102号" not in spec("幸福家园1栋102号")  # a flat after its building
    assert not any(c.endswith("室") for c in spec("3栋100多户人家"))  # a count, not a flat
    assert "15层" in d.clue_sets("御景湾二期十五楼")[1] & d.clue_sets("御景湾2期15楼")[1]


def test_amounts_in_yuan_whatever_the_writing():
    for t in ("老板还欠他八千多工钱", "欠我工资8000余元", "欠了8千多块", "共0.8万元"):
        assert "8000元" in spec(t), t
    for t in ("房东不退一万二的押金", "押金12000元", "押金1.2万元"):
        assert "12000元" in spec(t), t
    assert "100000元" in spec("家里欠了十几万") & spec("负债十余万元")
    assert not spec("三千多人参加") and not spec("一千多年")  # counts and years are no amounts


def test_dates_and_surnames_written_differently():
    assert "11月18日" in d.clue_sets("11月18日晚上")[1] & d.clue_sets("十一月十八号那天")[1]
    assert "18号" not in spec("11月18号晚上")  # a date, not a house number
    assert "周老师" in spec("中班周姓教师掐伤幼儿") & spec("小太阳的周老师")
    assert "桂某" not in spec("桂香园3栋")  # an estate, not Mr 桂


def test_a_child_by_pet_name():
    assert "豆豆" in spec("碧溪社区有个叫豆豆的小男孩") & spec("碧溪小区那个孩子豆豆")
    assert "朵朵" in spec("外孙女朵朵")
    assert not spec("他天天来") and not spec("妈妈说看看")


def test_a_date_with_a_rare_problem_word_is_evidence():
    w = d.ClueWeights().fit(["x"])
    assert d.evidence(set(), {"11月3日", "皮带"}, w)  # the same night, the same belt
    assert not d.evidence(set(), {"11月3日"}, w)  # a date alone is no matter
    assert not d.evidence(set(), {"皮带"}, w)


def test_a_village_and_an_estate_of_one_name_meet():
    assert "桃源小区" in spec("桃源新村有个孩子小宝") & spec("桃源村的小宝")
    assert "东湖小区" in spec("东湖村的孙大爷")


def _pair(a: str, b: str, cats=("other.government",)):
    dd = _deduper([a, b])
    dd.check("a", a, cats)
    return dd.check("b", b, cats)[0]


def test_short_and_long_names_of_one_matter_are_found():
    assert (
        _pair(
            "来电人称,他在飞捷速运有限公司做快递分拣,公司已经三个月没给交社保了,想请工会帮忙。",
            "我在飞捷分拣中心上夜班 社保断了三个月了 公司一直拖着不补 工会能不能出面",
            ("union.legal",),
        )
        == "a"
    )
    assert (
        _pair(
            "来电人反映,她儿子在明德实验中学读初二,被同班几个男生堵在厕所里打,还被抢走生活费。",
            "明德实验 初二 我儿子又被那几个男生在厕所里打了 生活费也被抢 团委管不管",
            ("youth.care",),
        )
        == "a"
    )
    assert (
        _pair(
            "来电人反映,她上个月在区人民医院做的两癌筛查,报告到现在还没出来。",
            "人民医院的两癌筛查报告到底什么时候出 等了快五个星期了",
            ("women.health",),
        )
        == "a"
    )


def test_one_flat_written_two_ways_is_found():
    assert (
        _pair(
            "来电人反映,她住在丹桂苑7号楼3单元603室,楼上卫生间漏水,家里天花板一直滴水。",
            "丹桂苑7栋 我家603 楼上厕所漏水半个月了 天花板都发霉了",
        )
        == "a"
    )


def test_one_amount_written_two_ways_is_found():
    assert (
        _pair(
            "来电人反映,他在宏盛装修队干了两个月木工,老板还欠他八千多工钱,现在电话也不接。",
            "宏盛装修 欠我工资8000余元 两个月的活早干完了 老板躲着不见",
            ("union.legal",),
        )
        == "a"
    )


def test_short_names_do_not_join_other_matters():
    # the same company, school, estate or hospital written short, another matter
    assert (
        _pair(
            "我在飞捷分拣中心上夜班 社保断了三个月了 工会能不能出面",
            "飞捷速运有限公司工会想组织分拣员参加区里的职工技能大赛,请问怎么报名。",
            ("union.legal",),
        )
        is None
    )
    assert (
        _pair("明德实验 初二 我儿子被打了 团委管不管", "明德实验中学门口的小卖部卖烟给学生,请查一查。")
        is None
    )
    assert (
        _pair("人民医院的两癌筛查报告到底什么时候出", "区人民医院门口停车太难,车子经常排到马路上。") is None
    )
    assert (
        _pair("桂香园3-2-502 楼上天天半夜拖椅子蹦跳", "桂香园3栋的化粪池满了,一楼住户门口污水横流。") is None
    )
    assert (
        _pair(
            "碧溪小区那个豆豆 天天一个人在楼下 饭都吃不上",
            "翠竹苑有个孩子小名叫豆豆,听力残疾,想申请人工耳蜗。",
        )
        is None
    )


@pytest.mark.skipif(not ALIAS.is_file(), reason="fixture absent")
def test_alias_development_set():
    """86 invented requests, 22 repeat groups whose shared clue is written differently and hard
    negatives; written before the clue version 5 work and used to develop it (fitted figure)."""
    tp, fp, positives = _score_fresh(ALIAS)
    assert positives == 24
    assert tp / (tp + fp) >= 0.9
    assert tp / positives >= 0.7


# --- clue version 6: typos, abbreviations and places written short ------------------------------


def test_typos_and_abbreviations_read_as_their_usual_spelling():
    assert "工资" in d.clue_sets("鑫达装饰工程有限公司欠公资")[1] & d.clue_sets("鑫达装饰欠工资")[1]
    assert "鑫达公司" in spec("鑫达装饰工程有限公司欠公资") & spec("鑫达装饰欠工资")
    assert "马拉松" in spec("报名半马") & spec("半程马拉松报名")
    assert not any(c.endswith("某") for c in spec("报名半马"))  # a race, not Mr 马
    assert "马拉松" not in spec("半马路边的摊子")  # 马路 stays a road
    assert "工资" in d.clue_sets("月工资拖欠")[1]


def test_a_community_health_centre_by_its_place():
    long = spec("她在梅林街道社区卫生服务中心做的两癌筛查")
    assert "梅林社卫" in long & spec("梅林社卫的两癌报告") & spec("梅林社区卫生服务中心")
    assert not any(c.endswith("中心") and c != "梅林社卫" for c in long)  # no unit read inside it
    assert not any(c.endswith("社卫") for c in spec("社区卫生服务中心的医生"))  # no place, no clue


def test_a_road_and_a_school_written_short():
    assert "建北路" in spec("建设北路的井盖") & spec("建北路井盖丢了")
    assert "实验2小学" in spec("孩子在实验第二小学读三年级") & spec("实验二小门口")
    assert not any(c.endswith("小学") for c in spec("等了三小时"))


def test_a_full_name_with_a_common_word_is_no_person():
    assert "王桂兰" in spec("来访人王桂兰")
    assert not {"马某", "马拉松"} <= spec("参加马拉松的人太多")


def test_no_unit_read_inside_another_word_or_across_a_comma():
    assert not any(c.endswith("学校") for c in spec("他听说希望工程能资助大学生"))  # 大学生 is no 大学
    assert not any(c.endswith("公司") for c in spec("区青少年科技馆周末场次约满"))  # 科技馆 is no 科技 firm
    assert not any(c.endswith("学校") for c in spec("之前还被抢过零花钱,班主任只让对方道歉"))
    assert "明德学校" in spec("明德实验 初二 我儿子又被打了")  # a space is no sentence's end


def test_a_name_after_a_verb_jieba_glued_to_it():
    a, b = spec("来电人刘婷婷住翠湖湾小区"), spec("说儿子儿媳住翠湖湾")
    assert "翠湖小区" in a & b
    assert not any(c.startswith(("住", "婷婷", "儿媳")) for c in a | b)


def test_serial_numbers_meet_and_years_or_hotlines_do_not():
    assert "#0387" in spec("人才公寓申请编号RC2024-0387还在审核") & spec("人才公寓申请0387那个 还在审核")
    assert not any(c.startswith("#") for c in spec("恳请12355帮忙介入,2020年入职,欠8000元"))


def test_trades_and_school_qualifiers_written_short():
    assert "永固公司" in spec("我在永固建材上班") & spec("儿子在永固新型建材有限公司当学徒")
    assert "育才小学" in spec("儿子在育才实验小学读四年级") & spec("孙子在育才小学四年级二班")
    assert not spec("给孩子做做心理疏导")  # a verb said twice is no pet name


def test_what_one_report_adds_does_not_hide_what_both_say():
    # the second report tells more (单车, 拐杖, 摔了一跤): its own problem words weigh less in its norm
    a = "来电人反映,长河路地铁站A口外的盲道被共享单车占满,视障人士出行多次撞到车上。"
    b = "长河路站A出口盲道上停满了电瓶车和单车 我是盲人 拐杖敲过去全是车 上礼拜还摔了一跤 到底谁管"
    assert _pair(a, b, ("disabled.access",)) == "a"
    assert _pair(a, "长河路地铁站A口的电梯坏了一个月,老人上下很不方便。", ("disabled.access",)) is None


def test_chinese_amounts_end_where_the_number_ends_and_ranges_are_none():
    assert "14600元" in spec("三个月工资一万四千六一直没给")  # not 14601: 一直 is no digit
    assert not any(c.endswith("元") for c in spec("学费住宿费要七八千,家里困难"))  # a range
    assert "105号" in spec("家住长青巷一百零五号")


def test_a_flat_told_by_a_neighbour_and_its_floor():
    neighbour = d.clue_sets("我是枫林苑7栋的住户,楼上1502那家男的又在打老婆")
    assert "1502室" in neighbour[0] and "#1502" not in neighbour[0]  # a flat, not a serial number
    assert "15层" in neighbour[1] and "15层" in d.clue_sets("住枫林苑小区7栋15楼,遭丈夫殴打")[1]


def test_a_numbered_pier_or_line_is_no_house():
    assert not any(c.endswith("号") for c in spec("滨江路三号码头旁边的小广场"))
    assert not any(c.endswith("号") for c in spec("地铁3号线出口"))


def test_a_school_class_whatever_the_writing():
    for text in ("外孙在实验小学四(3)班", "实小四3班的家长", "孩子在四年级三班"):
        assert "4年级3班" in spec(text), text
    assert "实验小学" in spec("实小四3班的家长") and "实验小学" not in spec("其实小孩子不懂")
    assert not spec("工厂三班倒")
    assert not any(c.endswith("学校") for c in spec("被高年级学生抢零花钱"))


def test_more_trades_name_a_unit_written_short():
    assert "鑫拓公司" in spec("鑫拓模具拖欠其工资") & spec("在鑫拓精密模具有限公司打磨车间上班")
    assert "洁城公司" in spec("我爸在洁城环境当环卫工") & spec("在洁城环境服务公司做环卫工")


def test_different_people_in_one_place_conflict():
    assert d.conflicts({"钱某", "禾园"}, {"宋某", "禾园"}) == 1
    assert d.conflicts({"40小时", "刘某"}, {"120小时", "何某"}) == 2
    assert d.conflicts({"刘某", "王某"}, {"王某"}) == 0  # one person in both
    assert d.conflicts({"刘某", "3000元"}, {"5000元"}) == 0  # amounts are rounded: no conflict
    same_site = "禾园二期工地木工钱某来电,带12个人干了大半年,工钱38万多没结,包工头找不到了。"
    other_worker = "禾园二期工地钢筋工宋某来电,工钱没结,包工头找不到了,问工会能否帮忙。"
    weights = d.ClueWeights().fit([same_site, other_worker])
    a, b = d.clue_sets(same_site), d.clue_sets(other_worker)
    base = d.similarity(a[0] | a[1], b[0] | b[1], weights, a[0] | b[0])
    assert base > 0
    without = {c for c in a[0] | a[1] if c != "钱某"}
    assert d.similarity(without, b[0] | b[1], weights, a[0] | b[0]) > base  # the conflict halves it


def test_the_same_requester_with_the_same_problem_is_evidence():
    weights = d.ClueWeights().fit(["公司拖欠工资", "想报名运动会"])
    a = {d.SAME_REQUESTER, "工资", "老板"}
    assert d.evidence({d.SAME_REQUESTER}, {"工资"}, weights)
    assert not d.evidence({d.SAME_REQUESTER}, set(), weights)  # the same person, another matter
    assert not d.evidence(set(), {"工资"}, weights)
    assert d.similarity(a, {d.SAME_REQUESTER, "工资", "运动会"}, weights, {d.SAME_REQUESTER}) > d.DEFAULT_THRESHOLD


def test_an_estates_gate_is_no_person_and_a_delivery_firm_is_a_unit():
    assert "苑某" not in spec("翠微苑北门对面那段盲道")
    assert "速达公司" in spec("速达外卖望湖路站点的站长,姓鲁")


def test_junk_clues_from_formal_words_towns_and_papers():
    assert "12000元" in spec("三个月工资都没发 一万二千多 老板天天说等回款")  # not 一万二 × 千
    assert "12000元" in spec("一共一万二千元") and "12000元" in spec("一万二左右")
    assert "柳某" not in spec("来电人称其母亲今年52岁,住柳溪镇新街村")  # a town, not Mr 柳
    assert "和某" not in spec("近期频发保健品和“养老投资”诈骗")  # 和 is "and"
    firm = spec("本人系泰丰物流有限公司分拣中心员工")
    assert "泰丰公司" in firm and "系泰丰公司" not in firm and "有限公司" not in firm
    assert not any(c.endswith("公司") for c in spec("问上周交的创业担保贷款材料审得怎么样了"))
    assert "恒晟公司" in spec("在临江恒晟包装材料有限公司从事质检")


def test_a_crowd_is_no_house_number_and_rough_hours_tell_no_one_apart():
    assert "10号" not in spec("车间约40名工人情况相同,全厂几十号人都一样")
    general = d.clue_sets("我志愿时长少了40多个小时")[1]
    assert "40多小时" in general and "40小时" not in general
    assert d.conflicts({"40多小时", "志愿"}, {"60小时", "18小时", "志愿"}) == 0
    assert d.conflicts({"40小时"}, {"60小时"}) == 1


def test_grades_and_a_childs_sex_tell_two_families_apart():
    first = d.clues("来访人称其孙子在青溪中学读初一,想申请希望工程助学金")
    second = d.clues("我是李欣的姑姑,侄女在青溪中学上初二,想申请希望工程助学金")
    assert "初1年级" in first and "初2年级" in second
    assert d.conflicts(first, second) == 2  # 初一 / 初二, 孙子 / 侄女
    son = d.clues("儿子今年考上职业技术学院,咨询金秋助学")
    assert d.conflicts(son, d.clues("女儿今年考上师范大学,想申请金秋助学")) == 1
    assert d.conflicts(son, d.clues("孩子考上大学了,金秋助学怎么申请")) == 0  # 孩子 says no sex
    assert "4年级" in d.clues("孩子读四年级") and "高2年级" in d.clues("我是澜江二中高二学生")
    assert "高某" not in spec("我是澜江二中高二学生")  # a grade, not Mr 高
    assert "初2年级" in d.clues("孩子在桂湖中学八年级(3)班") and "高1年级" in d.clues("上十年级")


def test_two_character_full_names_give_the_surname():
    assert {"孙丽", "孙某"} <= spec("我是瑞丰食品厂包装车间职工孙丽,丈夫去年因病去世")
    assert "林某" not in spec("东塘林厝村村民")  # a village
    assert "孙某" not in spec("来访人称其孙子在青溪中学读初一")  # 孙子 is a grandson


def test_a_place_before_a_firms_name_is_no_part_of_it():
    assert "鑫达公司" in spec("来访人称其在石桥鑫达电子厂上班")
    assert "石桥公司" not in spec("来访人称其在石桥鑫达电子厂上班")
    assert "恒达公司" in spec("我是青枫工业园恒达精密的车工张国庆")
    assert "瑞丰公司" in spec("我是瑞丰食品厂包装车间职工")


def test_a_unit_named_without_its_kind_meets_the_unit():
    weights = d.ClueWeights().fit(["公司拖欠工资", "想报名运动会", "路灯不亮"])
    long_ = d.clue_sets("来电人反映,恒达精密机械有限公司拖欠工资三个月,老板躲着不见")
    short = d.clue_sets("恒达那个厂三个月没发钱了 老板天天躲着不见人")
    assert "恒达公司" in long_[0] and "恒达" in short[0] and "恒达公司" not in short[0]
    both = long_[0] | short[0]
    assert d.similarity(long_[0] | long_[1], short[0] | short[1], weights, both) > 0
    # a problem word that a junk unit was read from is no name of that unit
    assert not d._written_bare({"残疾", "人证"}, {"残疾学校"}, {"残疾学校"})


def test_a_follow_up_needs_less_evidence():
    assert d.follow_up("来电人刘先生,外卖骑手,前几天在公众号上问过,想了解入会手续")
    assert d.follow_up("为其儿子换领残疾人证一事再次来访")
    assert d.follow_up("上次说的我儿子在学校被要钱的事 今天又被堵厕所了")
    assert not d.follow_up("外卖骑手能入工会吗")
    assert not d.follow_up("公司从三月份开始就没发过工资")
    assert d.follow_up_of_others("厂里两个多月没发工资,之前已有工友反映过,至今没有进展")
    assert not d.follow_up_of_others("上周已电话咨询过补办事宜")
    weights = d.ClueWeights().fit(["公司拖欠工资", "想报名运动会", "外卖骑手入会", "残疾人证"])
    first = d.clue_sets("外卖骑手能入工会吗 要什么手续")
    again = d.clue_sets("来电人刘先生,外卖骑手,入工会的事前几天在公众号上问过")
    args = (first[0] | first[1], again[0] | again[1], weights, first[0] | again[0])
    assert d.similarity(*args) == 0.0  # two riders asking the same thing, as far as anyone can tell
    assert d.similarity(*args, follow_up=True) >= d.DEFAULT_THRESHOLD


def test_one_thing_written_many_ways_weighs_once():
    groups = {frozenset(g) for g in d._variants(
        frozenset({"澜江区实验小学", "澜江学校", "澜江区", "护理补贴", "护理", "补贴", "15栋", "15层"}),
        frozenset({"澜江区实验小学", "澜江学校", "澜江区", "15栋"}),
    )}
    assert frozenset({"澜江区实验小学", "澜江学校", "澜江区"}) in groups
    assert frozenset({"护理补贴", "护理", "补贴"}) in groups
    assert frozenset({"15栋"}) in groups and frozenset({"15层"}) in groups  # numbers stay apart
    weights = d.ClueWeights().fit(["公司拖欠工资", "想报名运动会", "路灯不亮"])
    terse = d.clue_sets("恒达那个厂三个月没发工资了")
    long_ = d.clue_sets("来电人反映,其在澄江区恒达精密机械有限公司做车床工,公司拖欠工资三个月")
    longer = d.clue_sets("来电人反映,其在澄江区恒达精密机械有限公司(恒达精密机械厂)做车床工,公司拖欠工资三个月")
    score = d.similarity(terse[0] | terse[1], long_[0] | long_[1], weights, terse[0] | long_[0])
    again = d.similarity(terse[0] | terse[1], longer[0] | longer[1], weights, terse[0] | longer[0])
    assert score > 0 and again >= score - 0.05  # the firm written twice does not drown the rest


def test_one_problem_told_in_other_words_shares_its_usual_word():
    assert "路灯" in d.clues("滨河三期晚上黑灯瞎火的 走路都看不见") & d.clues("小区道路路灯已经坏了半个多月")
    assert "噪音" in d.clues("食客喧哗划拳到凌晨") & d.clues("烧烤店半夜还吵的要死")
    assert "欠薪" in d.clues("恒达那个厂三个月没发钱了") & d.clues("公司拖欠工资三个月")
    assert "欠薪" in d.clues("厂里从3月到现在工资一分没发")
    assert "欠薪" not in d.clues("工资按时发了,就是加班费不给")
    assert "路灯" not in d.clues("孩子的视力越来越差") and "噪音" not in d.clues("邻居吵架")


def test_a_word_before_a_title_is_no_surname():
    assert "司某" not in spec("恒泰的项目部说钱早就拨给劳务公司了,劳务公司老板跑了")
    assert "包某" not in spec("劳务分包老板欠薪后失联")
    assert "王老板" in spec("找王老板要工钱") and "王某" in spec("朝阳里老王师傅")


def test_more_ways_of_saying_it_again_and_the_same_thing():
    assert d.follow_up("我儿子那个护理补贴到底还发不发 都问两次了")
    assert "残疾人证" in d.clues("残疾证还没好吗") & d.clues("残疾人证今年到期")
    assert "家暴" in d.clues("丈夫酗酒后多次动手打她") & d.clues("前次反映被丈夫殴打后一直没有人联系她")
    assert "欺凌" in d.clues("被班上几个男生长期欺负") & d.clues("被几名同学反复殴打、勒索零花钱")
    assert "欺凌" in d.clues("有几个初三的天天堵我要钱 不给就打")
    assert "欺凌" not in d.clues("三个月没发工资 天天去找老板要钱")  # wages owed, no bullying
    weights = d.ClueWeights().fit(["公司拖欠工资", "想报名运动会", "残疾人证到期"])
    first = d.clue_sets("来电人孙志刚,右前臂截肢,想问换证进度")
    again = d.clue_sets("我孙志刚 上个月交的 还没好吗 之前打电话问过")
    args = (first[0] | first[1], again[0] | again[1], weights, first[0] | again[0])
    assert "孙志刚" in first[0] & again[0]
    assert d.similarity(*args) == 0.0 and d.similarity(*args, follow_up=True) > 0


def test_a_categorys_typical_words_alone_do_not_make_one_matter():
    typical = d.typical_words()
    assert {"两癌", "筛查"} <= typical["women.health"] and "创业" in typical["women.entrepreneur"]
    assert "欠薪" not in typical["women.health"]
    weights = d.ClueWeights().fit(["公司拖欠工资", "想报名运动会", "路灯不亮"])
    first = d.clue_sets("来电人询问今年江滩社区的免费两癌筛查什么时候开始,要带什么证件")
    other = d.clue_sets("我住江滩社区,上个月参加两癌筛查,乳腺B超有结节,家里困难想申请两癌救助")
    args = (first[0] | first[1], other[0] | other[1], weights, first[0] | other[0])
    both = weights.typical_of("women.health")
    assert d.similarity(*args) > 0  # without the category: the community and 两癌 in both
    assert d.similarity(*args, typical=both) == 0.0  # two women of one community
    assert d.similarity(*args, follow_up=True, typical=both) > 0  # unless it says it asked before
    # a road, a station or a unit with the typical word is still one matter: the lane of one road
    lane = d.clue_sets("建设路医院门口盲道又被电瓶车堵死了")
    again = d.clue_sets("建设路人民医院到地铁站一段的盲道被电动车占满,盲人没法走")
    access = weights.typical_of("disabled.access")
    assert "盲道" in access
    assert d.similarity(lane[0] | lane[1], again[0] | again[1], weights, lane[0] | again[0], typical=access) > 0
    # a request's own category and the other's: both typical sets count when they differ
    assert weights.typical_of("women.health", "women.entrepreneur") >= typical["women.entrepreneur"]


def test_the_deduper_drops_two_neighbours_asking_about_one_programme():
    cats = ("women.health", "women.rights")
    first = "来电人询问今年江滩社区的免费两癌筛查什么时候开始,要带什么证件"
    second = "我住江滩社区,参加两癌筛查查出乳腺结节,家里困难,想申请两癌救助"
    found = []
    for typical in (True, False):
        weights = d.ClueWeights().fit(["公司拖欠工资", "想报名运动会", "路灯不亮", "残疾人证到期"])
        if not typical:
            weights.typical = {}
        dd = d.Deduper(weights)
        assert dd.check(1, first, cats)[0] is None
        found.append(dd.check(2, second, cats)[0])
    assert found == [None, 1]  # flagged only when the category's typical words count


def test_a_unit_is_not_met_by_a_place_of_another_kind():
    # 港北 of 港北街道 is the subdistrict, not 港北实验学校 written short
    assert not d._written_bare({"港北", "港北街道"}, {"港北学校"}, {"港北", "港北街道", "港北学校"})
    assert d._written_bare({"港北"}, {"港北学校"}, {"港北", "港北学校"}) == {"港北学校"}
    a, b = d.clue_sets("她上周去石湖镇卫生院"), d.clue_sets("她在石湖村参加了两癌筛查")
    met_a, met_b = d.meet(a[0] | a[1], b[0] | b[1], a[0] | b[0])
    assert "石湖医院" not in met_b  # 石湖 of 石湖村 is the village, not the health centre


def test_more_clues_of_places_kinds_and_problems():
    assert {"1纱", "1纱小区", "3栋"} <= spec("一纱宿舍3栋那家男的又打老婆了")  # a work unit's housing
    assert "家暴" in d.clues("7栋有户人家男的经常喝醉了打老婆") & d.clues("丈夫酒后多次殴打她")
    assert "噪音" in d.clues("酒吧街每晚放很大声的音乐,一直闹到凌晨") & d.clues("楼下酒吧又吵到两点")
    assert "港北园区" in spec("刚毕业在港北物流园做数据分析")  # an industrial park is an area
    assert not spec("希望区科协协调专家下乡授课")  # 下乡 is no township
    assert not spec("华侨农场的归侨和侨眷") & {"华侨", "归侨", "侨眷"}  # kinds of people, not names
    assert "中心" not in spec("顺捷快运分拣中心的职工")
    assert "人系" not in d.clues("来电人系某养殖合作社负责人")
    assert d.follow_up("听说那个女的之前自己找过妇联") and d.follow_up("上次打电话说转过去了 还是一样")


def test_typical_words_file_is_current():
    from django.core.management import call_command

    call_command("routing_typical", "--check")


def test_more_persons_problems_and_generic_words():
    assert "马某" in spec("来电人马某某(外卖骑手)再次来电")  # 人马 is a word, 马 still the surname
    assert "陈某" in spec("我是柴市坝陈XX的妈 护理补贴还是没到") and "XX" not in d.clues("陈XX的妈")
    assert "欺凌" in d.clues("还被逼每周交50元保护费")
    assert "小营小区" in spec("老家原小营村拆迁") & spec("原小营村回迁户")
    assert not spec("和顺里社区居民") & {"居民"} and "居民" not in d.clues("小营村村民") - {"小营村"}
    weights = d.ClueWeights().fit(["公司拖欠工资", "想报名运动会", "路灯不亮"])
    # one place written with and without its kind is one name, not two
    assert not d.evidence({"石板桥", "石板桥街道"}, set(), weights)
    assert d.evidence({"石板桥", "蓝湾"}, set(), weights)  # two places
    # a firm holds many workers: its typical words (车间) are no evidence with the firm alone
    a = d.clue_sets("鑫盛电子厂注塑车间夏天温度超过38度,只有几台风扇")
    b = d.clue_sets("何某某,鑫盛电子厂SMT车间操作工,怀孕五个月,车间主任要求她继续倒夜班")
    typical = weights.typical_of("union.safety")
    assert "车间" in typical
    assert d.similarity(a[0] | a[1], b[0] | b[1], weights, a[0] | b[0], typical=typical) == 0.0


def test_a_village_or_a_lane_is_no_persons_name():
    assert "马某" not in spec("我是在外地读大学的马家塬人") and "马家塬" in spec("我是在外地读大学的马家塬人")
    assert "石某" not in spec("搬到石板桥街道住") and "王某" not in spec("王家庄的村民")
    assert {"王某", "王家卫"} <= spec("来电人王家卫反映") and {"刘某", "刘建华"} <= spec("刘建华师傅")


def test_places_jieba_cuts_across_their_kind():
    # 青石 镇鑫达: the town's kind glued to the firm; 新华社 区: a dictionary word took the community's kind
    assert {"青石镇", "鑫达公司"} <= spec("青石镇鑫达电子拖欠工人工资已三个月")
    assert {"新华", "新华小区"} <= spec("青石镇新华社区东侧的仓库") and "新华社" not in spec("青石镇新华社区东侧的仓库")
    assert "下河小区" in spec("柳河乡下河村通往村小学的那条水泥路") & spec("下河村去村小那条路 灯坏一个月了")
    assert "后塘小区" in spec("来电人称是后塘村的种植户") and "杨庄小区" in spec("想回老家杨庄村搞直播")
    # the town before a unit's name is its own clue, not part of the unit's (青石小区, 青石镇鑫达公司)
    clues = spec("青石镇新华社区东侧金鹏鞋业仓库") | spec("青石镇鑫达电子")
    assert {c for c in clues if c.startswith("青石")} == {"青石", "青石镇"}
    assert not any(c.startswith(("想回", "回老家")) for c in spec("想回老家杨庄村搞直播"))


def test_wages_owed_however_told_and_a_factory_is_no_problem_word():
    assert "欠薪" in d.clues("星河装饰欠工人工资的事") & d.clues("拖欠木工、瓦工工资")
    assert "欠薪" in d.clues("干了三个月一分钱没拿到") and "欠薪" not in d.clues("店关门了一分钱都没给退")
    weights = d.ClueWeights().fit(["公司拖欠工资", "想报名运动会", "路灯不亮"])
    nursing = d.clue_sets("恒泰纺织厂女工代表称,厂里三百多名女工,不少在哺乳期,厂里没有哺乳室")
    games = d.clue_sets("我们是恒泰纺织厂工会,厂里想在国庆前组织职工拔河比赛,问如何申请补助")
    args = (nursing[0] | nursing[1], games[0] | games[1], weights, nursing[0] | games[0])
    assert "厂里" not in (nursing[1] & games[1]) - d._GENERIC
    assert d.similarity(*args) == 0.0  # one factory, two matters


def test_a_village_group_a_town_in_one_word_and_a_surname_before_its_person():
    # 龙潭村三组 = 龙潭三组: a few dozen households; 三组 and 五组 of one village are two matters
    assert {"3组", "龙潭"} <= spec("龙潭村三组村民") & spec("龙潭三组残疾人")
    assert not spec("分成三组") and not spec("第三组")
    assert d.conflicts({"3组", "龙潭"}, {"5组", "龙潭"}) == 1
    assert "南塘" in spec("现住南塘乡上围村") & spec("南塘那边的老房子")  # 南塘乡 as one jieba word
    assert "刘某" in spec("石桥村一位刘姓老人瘫在床上") and "刘姓" not in d.clues("一位刘姓老人")
    # the town before a unit's name is cut off only before a name of its own
    assert d._unit_clues("河口乡中心", "学校") and d._unit_clues("青石镇新华", "小区") == {"新华小区"}


def test_more_problems_told_in_other_words():
    assert "停水" in d.clues("长岭镇沙坪村连续停水七天") & d.clues("沙坪村还是没水用")
    assert "塌方" in d.clues("前天下大雨路塌了一半") & d.clues("那条村道塌方后一直没修")
    assert "辞退" in d.clues("口头通知其不用来了") & d.clues("在纸箱厂上班被辞退了")
    assert "欺凌" in d.clues("放学被高年级几个学生拦住要钱")


def test_a_full_name_in_both_keeps_the_typical_words():
    weights = d.ClueWeights().fit(["公司拖欠工资", "想报名运动会", "路灯不亮"])
    typical = frozenset({"寻根"})
    shared = {"林国辉", "林某"}
    assert d.evidence(shared, {"寻根"}, weights, typical=typical)  # the same man, the same roots
    assert not d.evidence({"下坑", "林某"}, {"寻根"}, weights, typical=typical)  # a village and a surname


def test_a_family_by_its_surname_and_a_numbered_hospital_written_short():
    assert "孙某" in spec("石桥村孙家那个孩子的护理补贴停了") and "王某" not in spec("住在王家庄")
    assert "2人民医院" in spec("区二院儿科门诊楼那个母婴室") & spec("区第二人民医院儿科门诊楼二楼的母婴室")
    assert not spec("县三院子里")  # a courtyard, no hospital


def test_a_stopped_benefit_a_parent_who_beats_and_a_gate_jieba_glued_to_the_estate():
    assert "停发" in d.clues("今年4月以后护理补贴一直没打到卡上") & d.clues("护理补贴自年初起停发")
    assert "停发" in d.clues("从今年5月起补贴都没有到账") and "停发" not in d.clues("补贴按时到账了")
    assert "家暴" in d.clues("我妈昨天又被我爸喝了酒打了") & d.clues("丈夫酒后多次殴打她")
    assert {"华庭", "锦绣小区"} <= spec("锦绣华庭南门外人行道盲道") and "华庭南" not in spec("锦绣华庭南门外")
    weights = d.ClueWeights().fit(["公司拖欠工资", "想报名运动会", "路灯不亮"])
    # 王立 and 王某 in both: a two-character full name is a person, as 刘建华 is
    assert d.evidence({"王立", "王某"}, {"残疾人证"}, weights, typical=frozenset({"残疾人证"}))


_WORDS = st.lists(
    st.tuples(st.sampled_from(["青石", "镇鑫达", "新华社", "区", "乡下", "河村", "后", "塘村", "华庭南", "门外", "镇", "乡",
                               "社区", "村", "南", "门", "柳河", "区里", "镇上"]),
              st.sampled_from(["n", "ns", "nr", "nz", "f", "v", "s"])),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(_WORDS)
def test_mending_moves_characters_between_words_and_never_drops_one(words):
    mended = d._mend(words)
    assert "".join(w for w, _ in mended) == "".join(w for w, _ in words)
    assert all(w for w, _ in mended)


def test_everyday_synonyms_and_where_a_nuisance_comes_from():
    assert "盲道" in d.clues("长青路的盲到上停满了车") & d.clues("长青路盲道被占")
    assert "农贸市场" in d.clues("杏林路菜市场门口") & d.clues("杏林路农贸市场前面")
    assert "电动车" in d.clues("停满电瓶车") & d.clues("全是电动车")
    assert "欺凌" in d.clues("被同班几个男孩多次要零花钱") & d.clues("几个男生天天找他要钱")
    assert "噪音" in d.clues("工地晚上十一点还在打桩") & d.clues("工地半夜施工吵得睡不着")
    assert "花园小区" not in spec("滨江花园小区中心广场")  # 花园 is the estate's kind, no name
    # one estate, two sources of noise: a KTV and a building site are two matters
    ktv = d.clues("滨江花园楼下那个KTV天天唱到凌晨,吵得人睡不着")
    site = d.clues("滨江花园旁边那个工地半夜还在打桩,吵得睡不着")
    again = d.clues("滨江花园那个工地打桩到凌晨一两点")
    assert d.conflicts(ktv, site) == 1 and d.conflicts(site, again) == 0


def test_old_lanes_violence_and_noise_told_plainly_and_trades_that_name_no_firm():
    # a lane named for a trade (打铁 is a verb) and a lane of one character, with and without 社区
    assert {"打铁", "打铁路"} <= spec("他住打铁巷社区,楼下五金厂") & spec("打铁巷那个五金厂")
    assert "柳巷" in spec("柳巷社区8栋的王某") & spec("柳巷8栋那家")
    assert not spec("走进小巷 老街的店") and not spec("住在柳巷子里")
    assert "家暴" in d.clues("男的喝了酒拿皮带抽他老婆") & d.clues("丈夫酗酒,喝多了就动手,掐她脖子")
    assert "家暴" not in d.clues("老婆喝多了就睡") and "家暴" not in d.clues("丈夫在工地干活")
    assert "噪音" in d.clues("晚上十点以后还在开冲床,咣咣响到半夜") & d.clues("冲压车间夜间持续生产")
    assert "辞退" in d.clues("说撵走就撵走 一分钱补偿没有")
    # 供应链 and 冷链 say what a firm does, not which firm: no unit, no problem word (generic)
    assert "供应链公司" not in d.clues("东港物流园一家供应链企业") and {"供应链", "冷链"} <= d._GENERIC
    assert "泰华公司" in spec("在泰华冷链上班")


def test_a_care_home_named_like_a_verb_and_a_dance_or_a_press_as_the_source_of_noise():
    assert "颐养养老院" in spec("暑假在颐养护理院做志愿者") & spec("颐养护理院那个志愿活动")
    assert not spec("把我妈送进养老院") and not spec("去敬老院慰问老人")
    assert "噪音" in d.clues("跳广场舞,音响开得很大") & d.clues("广场舞天天闹到十点多")
    dance = d.clues("打铁巷社区小广场晚上跳广场舞的音响开得震天响,睡不着")
    press = d.clues("打铁巷那个五金厂半夜还在冲压,咣当咣当的,吵得睡不着")
    again = d.clues("打铁巷宏达五金厂晚上十点以后还在开冲床,咣咣响")
    assert d.conflicts(dance, press) == 1 and d.conflicts(press, again) == 0


def test_a_province_a_household_or_a_level_says_nothing_of_which_matter():
    weights = d.ClueWeights().fit(["公司拖欠工资", "想报名运动会", "路灯不亮"])
    # 广东 is where one worked, not where the matter is: no concrete clue
    assert "广东" not in spec("在广东打工时缴了8年养老保险") | spec("他在广东打工时看病花了一万多")
    assert not d.evidence({"江湾港务公司", "江湾港务"}, {"家庭", "区级", "条件"}, weights)
    assert d.evidence({"江湾港务公司", "江湾港务"}, {"欠薪"}, weights)


def test_a_firm_named_like_a_verb_a_labour_hire_firm_and_a_workshop_in_letters():
    # 顺发 and 永发 are read as verbs; a rare one that starts the name is the firm's name
    assert "顺发公司" in spec("我在顺发机械干了三年") & spec("顺发机械加工厂的工人")
    assert "宏泰公司" in spec("工地是宏泰劳务包的") & spec("宏泰建筑劳务公司欠钱")
    assert "精艺公司" in spec("我是精艺SMT车间的")
    # the work done there is no name: 分拣 and 送餐 are what the worker does
    assert not any(c.endswith("公司") for c in spec("她在冷库分拣车间上班") | spec("在送餐公司上班"))


def test_a_numbered_lane_roads_named_for_a_trade_and_a_development_zone():
    assert {"东四条", "东四条路"} <= spec("东四条胡同7号的老宅") & spec("住东四条胡同")
    assert "物流大道" in spec("开发区物流大道顺风物流园") & spec("物流大道上那个驿站")
    assert "港湾路" in spec("港湾路口那个驿站") & spec("开发区港湾路美团站")
    assert "开发区" in d._GENERIC and not any(c.startswith("开发区") for c in spec("开发区港湾路美团站"))
    assert "陈某" in spec("归侨陈老先生来访")
    assert "噪音" in d.clues("那个作坊又半夜叮叮当当")


def test_two_kinds_of_disability_or_of_labour_dispute_are_two_matters():
    hearing = d.clues("翠竹苑的爷爷听力二级残疾,想申请助听器")
    limbs = d.clues("翠竹苑的母亲肢体二级残疾,申请轮椅")
    assert d.conflicts(hearing, limbs) == 1
    injury = d.clues("恒远钢构的焊工,手被砸了,公司不给报工伤")
    overtime = d.clues("恒远钢构天天加班到九点,加班费一分没有")
    unpaid = d.clues("恒远钢构三个月没发工资了")
    assert d.conflicts(injury, overtime) == 1 and d.conflicts(overtime, unpaid) == 0  # overtime is pay
    # a union to found and a contract never signed are matters of their own at one firm
    heat = d.clues("鑫达物流的仓库38度,公司没发高温津贴")
    union = d.clues("鑫达物流仓库一直没有工会,我们想自己组建基层工会")
    contract = d.clues("鑫达物流入职一年半了公司一直没跟我签劳动合同")
    assert d.conflicts(heat, union) == 1 and d.conflicts(heat, contract) == 1
    assert d.conflicts(union, d.clues("鑫达物流的分拣员想入会,工会什么时候来")) == 0


def test_a_surname_with_a_named_place_or_two_uncommon_problem_words_is_evidence():
    weights = d.ClueWeights().fit(["公司拖欠工资", "想报名运动会", "路灯不亮", "骨折住院", "工伤认定"])
    assert d.evidence({"谭某", "鲤江街道"}, {"残疾人证"}, weights)
    assert d.evidence({"周某"}, {"骨折", "工伤"}, weights)
    assert not d.evidence({"周某"}, {"工伤"}, weights)
    assert not d.evidence({"谭某", "鲤江街道"}, {"街道"}, weights)  # no problem named
    a = d.clue_sets("鲤江街道的谭某,二级肢体残疾,残疾人证要迁过来")
    b = d.clue_sets("我父亲姓谭,残疾人证在老家办的,户口迁到鲤江街道了")
    plain = d.similarity(a[0] | a[1], b[0] | b[1], weights, a[0] | b[0])
    assert plain > 0  # the surname, the subdistrict and the certificate


def test_more_ways_to_tell_a_reminder_unpaid_money_violence_noise_and_places():
    assert d.follow_up("来访人为父亲咨询护理补贴,称此前已来电反映,社区答复要等") and not d.follow_up("此前在外地打工")
    assert "欠薪" in d.clues("干了半年,过年都没拿到钱") & d.clues("包工头欠我们钱到现在没给")
    assert "欠薪" not in d.clues("我欠银行的贷款还没还")
    assert "家暴" in d.clues("同栋某户男主人经常深夜打骂妻子")
    assert "噪音" in d.clues("每晚开机到凌晨,打磨声非常刺耳")
    assert "柳巷" in spec("我住柳巷小区3号楼") & spec("柳巷小区3号楼楼下的烧烤店")
    assert "和平商场" in spec("和平商厦门口的盲道") & spec("西大街和平商场门口")
    assert not any(c.endswith("某") for c in spec("经理还是给我排夜班,我想上白班"))  # a shift, no 白 person


def test_a_flat_read_out_a_whole_building_and_the_child_both_reporters_name():
    read_out = d.clue_sets("来访人称妹妹住翠屏苑一五零二,常年被丈夫殴打")[0]
    assert "#1502" in read_out & d.clue_sets("翠屏苑12栋,1502那户男的经常打老婆")[0]  # 一五零二 = 1502
    assert "#1502" not in spec("老人今年一百零五岁") and "#345" not in spec("三四五个人一起去的")
    assert "1栋" not in spec("卸货声吵得一栋楼都睡不着") and "1栋" in spec("住在桂香苑1栋")
    teacher = d.clues("我班学生小宇是听障孩子,放学路上被欺负,刘老师反映")
    mother = d.clues("黄女士称儿子小宇放学路上被几个孩子欺负")
    assert d.conflicts(teacher, mother) == 0  # 刘某 and 黄某 are the two reporters of one child
    assert d.conflicts(d.clues("刘女士的儿子被欺负"), d.clues("黄女士的儿子被欺负")) == 1


def test_more_estates_parks_firms_reminders_and_violence():
    assert "悦山小区" in spec("来电人住悦山府,投诉隔壁噪音") & spec("我是悦山府小区3栋住户")  # 悦 alone, a morpheme
    assert not spec("向区政府反映过") & {"区政小区", "区政"}
    assert "天朗小区" in spec("天朗名居的业主")
    assert "鲲鹏园区" in spec("鲲鹏软件园的职工") and "人才小区" not in spec("申请青年人才公寓")
    assert "通达公司" in spec("我是通达仓储的叉车工") & spec("通达仓储有限公司的装卸工")
    assert d.follow_up("我是上回网上申请入工会的那个外卖骑手")
    assert "家暴" in d.clues("姐夫一喝酒就动手,把她打得眼角缝了三针")
    assert "欠薪" in d.clues("公司停发工资三个月") & d.clues("站长扣着最后一个月工资不给")
    weights = d.ClueWeights().fit(["公司拖欠工资", "想报名运动会", "路灯不亮"])
    # one park, two workers' own matters: 同事 and 本区 say nothing of which matter
    assert not d.evidence({"鲲鹏园区"}, {"同事", "本区"}, weights)


def test_amounts_typed_with_k_a_basement_an_accessible_toilet_and_reporters_of_a_public_thing():
    assert "4300元" in spec("3月工资4.3k站长一直拖着不发") & spec("拖欠他3月份工资4300元")
    assert "欠薪" in d.clues("3月工资4.3k站长一直拖着不发")
    mall = d.clues("环球汇负一楼那个残疾人厕所还锁着")
    assert {"B1层", "无障碍卫生间"} <= mall & d.clues("环球汇购物中心B1层的无障碍卫生间长期上锁")
    # two people report one mall's toilet, or one restaurant's fan from two buildings: no conflict
    assert d.conflicts(d.clues("陈某反映商场无障碍卫生间上锁"), d.clues("孙某反映商场无障碍卫生间上锁")) == 0
    assert d.conflicts(d.clues("锦华里3号楼,楼下火锅店排风机响"), d.clues("锦华里5号楼,楼下火锅店排风机吵")) == 0
    assert d.conflicts(d.clues("锦华里3号楼楼上半夜吵"), d.clues("锦华里5号楼楼上半夜吵")) == 1  # two households
    weights = d.ClueWeights().fit(["公司拖欠工资", "想报名运动会", "路灯不亮"])
    typical = frozenset({"两癌", "筛查"})  # two women of one office centre asking about the screening
    assert not d.evidence({"汇智中心"}, {"两癌", "筛查"}, weights, typical=typical)


def test_variant_characters_heat_allowance_and_lone_morphemes():
    assert "东升公司" in spec("东昇电子厂加班费不给") & spec("东升电子厂的加班费")  # 昇 = 升
    assert "东垚公司" in spec("东垚电子厂加班费不给")  # 垚 alone, a rare morpheme, joined to 东
    assert not spec("老公每天很晚才回家")
    assert "高温津贴" in d.clues("高温费一直没发") & d.clues("今年的防暑降温费厂里说不给了")
    assert "御景小区" in spec("住御景府3栋,楼上漏水") & spec("御景府小区的业主")
    assert "和园小区" in spec("我住和园小区3号楼")  # 和 is the estate's name, not "and"
    assert not any("和园" in c for c in spec("我和园长说过了"))


def test_a_neighbour_tells_of_violence_and_a_pregnant_worker():
    assert "家暴" in d.clues("老黄家两口子又打起来了,女的哭了半夜")
    assert "黄某" in spec("老黄家两口子又打起来了")
    assert "家暴" in d.clues("楼下那户半夜打起来,听见女的一直哭")
    assert "家暴" not in d.clues("两个孩子在操场上打篮球")
    assert "孕期" in d.clues("我怀孕五个月,公司让我走人") & d.clues("老婆孕期被公司辞退")
    # a pregnant worker's matter and a heat allowance at one firm are two matters
    assert d.conflicts(d.clues("东升电子厂孕期辞退"), d.clues("东升电子厂高温津贴不发")) >= 1
    assert d.follow_up("上回我去过你们那儿问残疾证的事") and not d.follow_up("我去过北京打工")


def test_the_boss_by_surname_is_a_clue_but_no_conflict_with_a_reporter():
    assert "蒋老板" in spec("带班的包工头姓蒋,欠了我们三个月工资") & spec("蒋老板欠我们工钱不给")
    assert "包老板" not in spec("带班的包工头姓蒋,欠了我们三个月工资")
    assert "包老板" not in spec("那个包工头跑了,工资没人给")
    assert {"曹建军", "曹老板"} <= spec("负责人曹建军一直拖着工资不发")
    assert "曹老板" in spec("包工头老曹欠工钱")
    assert "刘老板" in spec("姓刘的包工头跑了,工钱没结") & spec("包工头刘某欠大家工钱")  # one boss, read alike
    worker = d.clues("我姓王,在宏达工地干活,包工头老曹欠我工钱")
    other = d.clues("李某反映宏达工地曹老板拖欠工资")
    assert d.conflicts(worker, other) == 0  # 王某 the reporter, 曹老板 the boss: no two people
    assert "渔民" not in spec("渔民老陈的船坏了") and "农户" not in spec("几个农户反映")


def test_dust_rough_amounts_numbered_roads_and_unpaid_pickers():
    assert "粉尘" in d.clues("厂里粉尘大却不给戴防尘口罩") & d.clues("车间里整天都是石粉")
    assert not any(c.endswith("某") for c in spec("厂里粉尘大却不给戴防尘口罩"))  # 戴 a verb here
    assert "3万余元" in d.clues("欠我们采茶的工钱 三万多块") & d.clues("约3.2万元工钱未发")
    assert "4千余元" in d.clues("工资四千多") & d.clues("工资4300元")
    assert "X203" in spec("县道X203线的客运班车减班") & spec("县道203线客运班车减班后")
    assert "G205" in spec("G205线旁边的加油站")
    assert "欠薪" in d.clues("约3.2万元工钱未发") & d.clues("捷迅仓库工资又拖")
    assert "欠薪" in d.clues("云雾茶业拖欠十多名采茶妇女工钱")
    assert "云雾公司" in spec("云雾茶厂欠工钱") & spec("村民反映云雾茶业拖欠工钱")
    assert "竹溪学校" in spec("儿子在竹溪完小读书") & spec("孙子在竹溪村完小读三年级")
    assert "锦樾小区" in spec("自述住在锦樾府") and "家暴" in d.clues("深夜传出男子打骂、女子哭喊的声音")


def test_the_bullies_grade_a_teacher_who_reports_and_a_firm_named_bare():
    father = d.clues("儿子在竹溪完小被几个六年级的学生欺负,抢零花钱")
    grandmother = d.clues("孙子在竹溪村完小读三年级,被高年级学生要零花钱")
    assert "6年级" not in father and d.conflicts(father, grandmother) == 0
    assert "6年级" in d.clues("女儿读六年级,被几个六年级的男生欺负")
    teacher = d.clues("星澜实验中学初一(3)班班主任许老师来访,反映班上一名女生被排挤")
    mother = d.clues("张女士称女儿在星澜实验中学读初一,被同班女生孤立")
    assert "许老师" in teacher and d.conflicts(teacher, mother) == 0
    a, b = d.clue_sets("妻子在极光智算做算法,怀孕后被逼离职"), d.clue_sets("我是极光智算科技有限公司的工程师,怀孕了被约谈")
    assert "极光公司" in d.meet(a[0] | a[1], b[0] | b[1], a[0] | b[0])[0]
    a, b = d.clue_sets("社区想约一场科普讲座"), d.clue_sets("申请科普进校园活动")
    assert not {"科普小区"} & d.meet(a[0] | a[1], b[0] | b[1], a[0] | b[0])[0]  # a problem word, no place


def test_two_villages_or_a_university_and_a_primary_school_are_two_places():
    assert d.conflicts(d.clues("柳塘镇上林村想请科协讲防诈骗"), d.clues("柳塘镇下岙村想请科协讲防诈骗")) >= 1
    assert d.conflicts(d.clues("澜湾新城锦樾府7栋有人打老婆"), d.clues("住在锦樾府,丈夫打我")) == 0
    # residents of two estates report one road's street lamp: the estates tell reporters apart
    assert d.conflicts(d.clues("我住翠湖苑,建设路的路灯坏了"), d.clues("丹桂园门口建设路路灯不亮")) == 0
    univ = d.clues("星澜大学附近居民区流传5G基站致癌")
    school = d.clues("星澜实验小学的科学老师想预约科普大篷车")
    assert d.conflicts(univ, school) == 1 and d.conflicts(univ, d.clues("星澜大学的学生")) == 0


def _met(x: str, y: str) -> set[str]:
    a, b = d.clue_sets(x), d.clue_sets(y)
    ma, mb = d.meet(a[0] | a[1], b[0] | b[1], a[0] | b[0])
    return ma & mb


def test_a_firm_named_bare_by_a_word_of_another_kind_a_bus_line_and_a_district():
    # 腾跃 (a verb for jieba) and 博远 (an adjective) are no clues of their own, but name the firm
    assert "腾跃公司" in _met("上次跟你们反映过腾跃欠薪的事", "孙某,腾跃智联公司测试工程师,反映公司拖欠工资")
    assert "博远公司" in _met("来电人系博远生物研发部负责人", "我们是博远生物医药科技有限公司")
    assert not any(c.startswith(d.BARE) for c in _met("上次说的腾跃的事", "腾跃的事还没解决"))
    assert "挂靠公司" not in spec("我挂靠恒达运输公司跑车")
    # a bus line by its number alone, in a request about buses; the village before its stop
    assert "218路" in spec("公交站撤了 能不能让218再停一下") and "203路" in spec("203那个班车改点了")
    assert "218路" not in spec("交了218的押金") and "30路" not in spec("坐公交要30分钟")
    assert "枫林小区" in spec("取消了枫林村站")
    village = "枫林村那个公交站撤了 老人看病要走老远 能不能让218再停一下"
    line = "218路公交改线,取消了枫林村站,村里老人很不方便"
    shared, specific = _met(village, line), spec(village) | spec(line)
    assert d.evidence(shared & specific, shared - specific, d.ClueWeights().fit([]), True)
    # a whole district is where everyone is, no place of one matter
    assert not {"星澜区", "澜区", "滨江区"} & (spec("户口迁到星澜区") | spec("滨江区的居民"))


def test_a_given_name_of_a_numeral_and_a_villager_glued_to_the_village():
    grid = spec("桑园村李二柱的护理补贴停了好几个月了 我是村里网格员")
    mother = spec("桑园村王桂兰老人(72岁)来电,儿子李二柱智力残疾二级,护理补贴没到账")
    assert {"李二柱", "桑园小区"} <= grid & mother and "王桂兰" in mother
    assert not any(c.startswith("李二") for c in spec("李二级残疾"))  # 二级 is a grade, no given name


def test_pay_owed_told_at_length_and_a_hole_in_the_road():
    # 拖欠 … 工资 with the workers counted in between is unpaid pay
    assert "欠薪" in _met("公司自今年8月起拖欠包括他在内12名工人的工资", "我老公在恒拓机械上班 三个月没发工资了")
    assert "欠薪" not in d.clue_sets("拖欠的房租和水电费一起算,工资照发")[1]
    # a hole in the road, told as 大坑 once and 坑洞 again
    assert "坑洞" in _met("柳塘路与桐林大道交叉口往南50米路面有个大坑", "本月初反映过的柳塘路路口坑洞问题,到现在还没修")
    assert "坑洞" not in d.clue_sets("这个中介太坑人了")[1]


def test_a_firm_glued_to_the_verb_before_it():
    assert "恒拓公司" in spec("上次反映过恒拓公司欠薪的事") and "过恒拓公司" not in spec("上次反映过恒拓公司欠薪的事")


def test_a_child_named_after_its_parent_in_an_operators_note():
    # 其子孙宇轩: jieba reads 子孙 (descendants) and 宇轩; the child is 孙宇轩
    assert {"孙宇轩", "孙某"} <= spec("来访人孙女士,其子孙宇轩5岁,申请免费助听器")
    assert "孙宇轩" in _met("来访人孙女士,其子孙宇轩5岁,申请免费助听器适配", "来电人为孙宇轩的外婆,说外孙助听器申请了好几个月")


def test_kin_before_a_place_and_a_person_by_full_name_at_one_place():
    # 姑姑铁匠巷: whose house, then where; the place is 铁匠巷
    nephew = spec("我是陈玉珍的侄子 姑姑铁匠巷那间老屋一直被别人住着")
    assert {"铁匠路", "陈玉珍"} <= nephew and not any(c.startswith("姑姑") for c in nephew)
    # the owner by full name and her lane in both, with no problem word in common: one matter
    owner = "归侨陈玉珍反映,铁匠巷17号祖屋发还后仍被原承租户的亲属占用,不搬也不交租"
    shared, specific = _met(owner, "我是陈玉珍的侄子 姑姑铁匠巷那间老屋一直被别人住着"), spec(owner) | nephew
    assert d.evidence(shared & specific, shared - specific, d.ClueWeights().fit([]))
    # the name alone, with no place and no problem word in common, is not
    assert not d.evidence({"陈玉珍", "陈某"}, set(), d.ClueWeights().fit([]))


def test_names_jieba_cuts_after_a_word_and_places_after_a_direction_or_a_verb():
    # 王子 / 宇: the boy 王子宇, whom a follow-up calls 子宇; 文 / 庙街 is a street, not Mr 文
    boy = spec("我儿子王子宇在文庙街小学读四年级,被高年级学生堵在厕所要钱")
    assert {"王子宇", "子宇", "王某"} <= boy and "文某" not in boy and "文庙路" in boy
    assert "子宇" in _met("我儿子王子宇在文庙街小学读四年级,被高年级学生堵在厕所要钱", "上次反映的我儿子子宇被堵厕所要钱的事")
    # 仓 / 前 / 社区: 仓前社区; 安居 / 新村: an estate named with a verb, but not 搬到 新村
    assert "仓前小区" in spec("仓前社区居民孙桂英来访") and "仓前小区" in spec("来电人为仓前社区网格员")
    assert "安居小区" in spec("安居新村儿童之家的志愿时长") and "搬到小区" not in spec("我们搬到新村以后")
    # 反映 过浩云 数据: the firm 浩云数据; 我爸林 / 建国: 林建国
    assert "浩云公司" in spec("我之前已通过微信反映过浩云数据拖欠工资的问题")
    assert {"林建国", "林某"} <= spec("我爸林建国的护理补贴到现在还没到")
    # a hole that grows is a hole; a cement road is no road's name
    assert "坑洞" in d.clue_sets("那条路你们到底修不修 坑越来越大")[1]
    assert not {"水泥", "水泥路"} & spec("沙岗村通往镇上的水泥路有多处大坑")


def test_a_thing_in_public_its_reporters_and_two_things_of_one_road():
    # a blind lane at the hospital's gate, told by a blind man by name and again by a daughter
    named = "视力残疾人李国强来访,称县医院门口镇兴路那一段的盲道被水果摊和电动车占满了"
    again = "县医院大门口那段盲道又被摆摊的占了 我陪我妈去看眼科 还有电动车乱停"
    assert _pair(named, again, ("disabled.access",)) is not None
    # one road's broken street lamps and its sunken manhole cover: two matters
    cover = "钟楼东路西关市场北门对面人行道上井盖塌下去一半,老太太踩进去摔伤了腿"
    lamps = "钟楼东路西关市场那一段路灯坏了一个多礼拜了 晚上黑咕隆咚的"
    assert d.conflicts(*d.meet(d.clues(cover), d.clues(lamps), spec(cover) | spec(lamps))) >= 1
    assert _pair(cover, lamps, ("other.government",)) is None


def test_estates_and_firms_written_short_long_or_with_where_they_are():
    assert "新街小区" in spec("我是新街社区的 我爸那个护理补贴又去问了") and "新街小区" in spec("住城关镇新街社区,一级肢体残疾")
    assert "捷运公司" in spec("来电人为县城捷运快递城关分拣站的快递员") and "县城捷运公司" not in spec("县城捷运快递的快递员")
    assert "入会" in d.clue_sets("上个月我们站十几个人一起网上申请入工会")[1]
    noise = _met("鼎盛国际大厦旁的工地连续一周夜间施工到凌晨两点", "辖区多名居民投诉鼎盛大厦旁工地夜里施工扰民")
    assert "鼎盛大厦" in noise and not any("旁" in c for c in spec("鼎盛大厦旁工地夜里施工"))
    assert "鑫海公司" in spec("鑫海水产的剥虾女工 老板三个月没发工资了")
    assert "路某" not in spec("我是县城文昌路某小区居民")  # 某小区 is no Mr 路


def test_pupils_and_children_named_after_the_word_for_them():
    assert {"李浩然", "李某"} <= spec("我儿子李浩然在海滨职校读汽修一年级")
    assert "李浩然" in spec("海滨职校一名班主任来访,称本班学生李浩然遭同宿舍学生多次殴打")


def test_a_firms_workforce_its_trade_and_two_families_illnesses():
    # pay owed to a firm's women workers, told by one of them and again by another: no surname conflict
    first = "鑫海水产的剥虾女工 老板三个月没发工资了 我们二十几个阿姨天天去问 我是陈秀兰"
    again = "来电人黄女士反映,她在水产加工园的鑫海公司剥虾,公司已拖欠三个月工资,二十多个女工都没拿到"
    met, specific = d.meet(d.clues(first), d.clues(again), spec(first) | spec(again)), spec(first) | spec(again)
    shared = met[0] & met[1]
    assert d.conflicts(*met) == 0 and d.evidence(shared & specific, shared - specific, d.ClueWeights().fit([]))
    # the firm's trade is no problem word: its unpaid pay and its new contracts are two matters
    contract = "鑫海水产让我们签什么劳务协议 说以后不算员工了 不签就不排班"
    assert _pair(first, contract, ("union.legal",)) is None
    # hardship aid for two workers of one firm: a wife's cancer and a husband's kidneys
    kidneys = "来电人许女士反映,丈夫是区港务公司职工,今年查出尿毒症,询问工会大病救助如何申请"
    cancer = "我是区港务公司职工,妻子患癌正在化疗,已经花了十几万,请问能否申请困难职工救助"
    assert d.conflicts(*d.meet(d.clues(kidneys), d.clues(cancer), spec(kidneys) | spec(cancer))) >= 1
    assert "癌症" not in d.clue_sets("社区组织两癌筛查,包括宫颈癌和乳腺癌")[1]


def test_a_county_town_and_a_girl_say_no_matter():
    road = "来电人反映,县道岚茶线(县城至茶坪乡)白岩镇路段路面出现多处大坑,有摩托车夜间摔倒"
    bus = "茶坪乡到县城的班车一天就两趟 老人去医院太不方便了 能不能加一班"
    assert _pair(road, bus) is None
    lamps = "岚茶线白岩镇街上那一段路灯坏了一个多月 晚上黑漆漆的 谁管"
    assert _pair(road, lamps) is None  # a hole and the lamps of one road


def test_heavy_industry_names_workshops_and_a_shop_opened():
    # 红岩重型机器厂 is the firm 红岩, not two firms 重型 and 机器; its workshops name no firm
    works = spec("我是红岩重型机器厂铸造车间职工")
    assert "红岩公司" in works and not works & {"重型公司", "机器公司", "铸造公司"}
    assert "热处公司" not in spec("丈夫是红岩重型机器厂热处理车间的")
    assert not any("开了" in c for c in spec("我姓于 在铁路新村开了个小家政公司"))
    assert "于某" in spec("我姓于 在铁路新村开了个小家政公司") and "于某" in spec("来电人于女士称,家政公司的贷款还没批")
    assert "于某" not in spec("至于某些人说的话")
    # a port's trade is no firm's name; 联谊 and a country are what, not which
    assert not spec("想了解区里港口物流企业有没有见习岗位")
    assert not spec("参加侨乡联谊活动") and "联谊" in d.clue_sets("参加侨乡联谊活动")[1]


def test_noise_and_bullying_told_in_other_words():
    quay = d.clue_sets("临江苑挨着货运码头 夜里还在吵 吊车一直响到两三点")[1]
    assert "噪音" in quay and "噪音" in d.clue_sets("集装箱碰撞声很大,整栋楼睡不着")[1]
    assert "噪音" in d.clue_sets("楼下烧烤店天天放歌放到凌晨")[1]
    assert "噪音" not in d.clue_sets("两口子天天吵架")[1]
    bullied = d.clue_sets("孙子在镇中学读初一 被几个高年级的堵在厕所打 还逼他拿钱")[1]
    assert "欺凌" in bullied
    beaten = d.clue_sets("儿子被高年级学生殴打,还被勒索零花钱")[1]
    assert "欺凌" in beaten and "家暴" not in beaten


def test_hours_of_one_service_and_a_relative_who_came_before():
    first = "我是二中高一学生,上个月参加区妇联组织的“冬衣送暖”给独居老人送棉被,共服务16小时,学校要志愿服务时长证明"
    again = "老师让我找你们开志愿证明 就是妇联那个给老人送棉被的活动 16个小时 还没弄下来"
    assert _pair(first, again, ("youth.volunteer",)) == "a"
    other = "老师让我找你们开志愿证明 就是妇联那个给老人送棉被的活动 8个小时 还没弄下来"
    assert _pair(first, other, ("youth.volunteer",)) is None  # another volunteer's hours
    assert d.follow_up("他奶奶也来学校找过 学校处理了一次") and not d.follow_up("我也想问一下")


def test_two_families_of_one_firm_and_two_countries_conflict():
    kidneys = "我是红岩重型机器厂装配车间职工,妻子查出尿毒症,每周透析,想申请困难职工大病救助"
    diabetes = "我父亲是红岩重型机器厂退休职工,糖尿病截肢,听说工会有困难职工帮扶,能申请吗"
    assert _pair(kidneys, diabetes, ("union.hardship",)) is None
    uk = "我们是英国伯明翰的周末中文学校,暑假组织华裔学生回中国参加寻根之旅夏令营"
    fr = "来电人询问华裔青少年中国寻根之旅冬令营的时间,他侄子在法国读初中"
    met = d.meet(d.clues(uk), d.clues(fr), spec(uk) | spec(fr))
    assert d.conflicts(*met) >= 1
    assert {"印尼", "印度尼西亚"} <= set(d._COUNTRIES) and d._COUNTRIES["印度尼西亚"] == d._COUNTRIES["印尼"]


def test_what_a_child_is_called_and_a_drinkers_violence():
    assert "小宇" in spec("班上学生刘宇是留守儿童") and "小宇" in spec("学生孙小宇多次被索要财物")
    assert "小姐" not in spec("李姐男人酒后动手") and "小氏" not in spec("黄氏归侨出资建造")
    assert "欺凌" in d.clue_sets("学生孙小宇多次被初二几名学生索要财物")[1]
    assert "酗酒" in d.clue_sets("李姐男人酒后动手")[1] and "酗酒" in d.clue_sets("丈夫天天喝酒,喝醉就打她")[1]


def test_money_owed_by_a_works_and_an_estate_named_with_a_verb():
    assert "欠薪" in d.clue_sets("鑫达那个厂欠钱的事还没解决")[1]
    assert "欠薪" in d.clue_sets("老板跑了,十几个工人堵在厂门口")[1]
    assert "欠薪" not in d.clue_sets("邻居欠钱不还")[1]
    assert "安居小区" in spec("来电人称住安居南苑3号楼") and "安居小区" in spec("安居南苑居民来电:小区紧挨北环物流港")
    assert not any(c.startswith("紧挨") for c in spec("小区紧挨北环物流港"))
    # two disabled residents of one estate: the kind of disability is no evidence of one matter
    brother = "我哥智力残疾二级 住安居南苑 困难残疾人生活补贴这个月没发"
    son = "我儿子智力残疾 成天在家闲着 安居南苑附近有没有辅助性就业的地方"
    assert _pair(brother, son, ("disabled.subsidy",)) is None


def test_a_firm_after_its_road_a_bar_told_otherwise_and_a_communitys_childrens_home():
    firm = spec("市民来电反映:其在芯谷路博宇智能装备有限公司产线做操作工")
    assert {"博宇", "博宇公司"} <= firm and "智能公司" not in firm
    assert _pair("其在芯谷路博宇智能装备有限公司做操作工,公司从3月起拖欠工资,说等回款",
                 "我们组都是女工 博宇那个厂的工资三个月没发了 问了几次都说等回款", ("union.legal",)) == "a"
    bar = d.clue_sets("钟楼苑3号楼楼下新开了一家清吧,每天晚上放音乐到凌晨两点,还有客人在门口喊叫")
    assert "噪音" in bar[1]
    home = d.clue_sets("凤塘社区儿童之家的暑期托管班上周突然停了")
    assert "凤塘儿童之家" in home[0] and "停办" in home[1]
    assert "停办" not in d.clue_sets("家里停了电")[1]

"""The routing rules decide the boundary cases where the surface words point elsewhere."""

import pytest

from quntuan.routing.rules import government_hint, route_rules


@pytest.mark.parametrize(("text", "category"), [
    # a labour relation goes to the union whoever asks
    ("我是一名单亲妈妈,在服装厂上班,老板已经三个月没发工资了,妇联能帮我讨薪吗", "union.legal"),
    ("我是肢体残疾人,在物流公司做分拣,公司说我干活慢,没给任何补偿就把我辞退了", "union.legal"),
    ("我有残疾证,在物流公司上班,公司说我干活慢把我辞退了,没有任何补偿", "union.legal"),
    ("孩子爸爸喝了酒就打孩子,身上都是伤", "women.rights"),
    ("刚毕业的大学生,试用期满了公司不签劳动合同,还扣了我半个月工资", "union.legal"),
    # harm inside the family → women's federation; harm to a minor at school → youth league
    ("丈夫喝醉了就打我,昨天又动手了,我想申请人身安全保护令", "women.rights"),
    ("我女儿读初一,在学校被同学欺负,天天被勒索零花钱,不敢上学", "youth.care"),
    ("儿子在学校遭受校园欺凌,老师不管", "youth.care"),
    # student aid depends on the parent
    ("我是厂里的困难职工,孩子考上大学了,听说有金秋助学", "union.hardship"),
    ("村里有个女孩父亲去世,家里供不起她读书,想申请春蕾助学", "women.children"),
    ("农村家庭考上大学,学费交不起,想申请希望工程圆梦助学", "youth.study"),
    ("我爸在机械厂上班 我考上大学了家里困难 希望工程的助学能申请吗", "union.hardship"),
    # saying one is no employee (种茶, 摆地摊, 不是单位职工) outweighs naming the union's 金秋助学
    ("我家在山里种茶,没在单位上班,女儿考上大学,听说工会有金秋助学,我们能申请吗", "youth.study"),
    ("父母都是摆地摊的,不在任何单位上班,弟弟考上高中,听说工会有金秋助学", "youth.study"),
    ("我们两口子打鱼为生,都不是单位职工,儿子考上大学学费凑不齐", "youth.study"),
    # a worker told by the job (当分拣工, 在物流上班) asking for the League's programme
    ("我在顺达物流当搬运工,儿子考上大学了,学费一万多凑不齐,团委的助学怎么申请", "union.hardship"),
    ("我是红星机床厂的职工 孩子考上高中家里困难 希望工程能申请不", "union.hardship"),
    # harassment of a minor, online or in the street → youth league
    ("有个网友让我拍照片发给他 不发就要把聊天记录曝光 我才14 怎么办", "youth.care"),
    ("女儿读初二,楼里一个男的老在电梯里对她动手动脚", "youth.care"),
    ("邻居男的老给我发不雅信息,我一个人住很害怕", "women.rights"),
    # job training depends on who
    ("我是视障人士,想参加盲人按摩技能培训", "disabled.employment"),
    ("全职妈妈想学家政技能培训,以后做月嫂", "women.entrepreneur"),
    # volunteering and disability services
    ("申请开具志愿服务时长证明,出国留学要用", "youth.volunteer"),
    ("人行道上的盲道被电动车占满了", "disabled.access"),
    ("残疾人证到期了怎么换", "disabled.certificate"),
    ("父亲重度残疾,护理补贴三个月没发了", "disabled.subsidy"),
    ("怀孕三个月了,车间主任不同意给我调岗", "union.safety"),
    ("工地上又有个工人中午晒晕了,老板还让大家顶着太阳干活", "union.safety"),
    # the firm counts disabled staff, but the worker asks how to be assessed
    ("我在鞋厂上班,左耳听力残疾,公司说有证能算按比例就业,让我去办,想问怎么评残", "disabled.certificate"),
    # a home adapted for a wheelchair is access, not a device
    ("我坐轮椅,家里卫生间门太窄轮椅进不去,想申请家庭无障碍改造", "disabled.access"),
    # an overseas family's house at home in dispute
    ("我伯父在印尼,老家的祖厝被堂亲占用出租,想请侨联帮忙调解", "overseas.rights"),
    # a stall is no employer; social insurance never paid by a firm is labour, whoever's capital
    ("家里在夜市摆小吃摊,儿子考上大学,学费凑不齐,金秋助学怎么申请", "youth.study"),
    ("我在一家侨资贸易公司上班三年,公司从未给我缴纳社保,侨联能帮忙吗", "union.legal"),
    # a returned overseas Chinese in hardship who never worked for a firm; an old house taken by kin
    ("我母亲是归侨,八十岁了,家里经济困难,她没在单位上过班,工会的送温暖她能申请吗", "overseas.rights"),
    ("我是侨眷,老家的老房子被堂叔拆了在盖新房,侨联说会协调,能不能快点来人", "overseas.rights"),
    # founding a union at a firm of overseas Chinese capital
    ("我们是一家华侨投资的食品厂,有六十多名员工,想在厂里成立工会,侨联能指导吗", "union.membership"),
    # a disabled husband's subsidy asked plainly, his certificate already held
    ("丈夫车祸后双腿瘫痪,已办残疾人证,我一个人照顾他,想问有没有补贴可以申请", "disabled.subsidy"),
    # land taken for a road is the government's, whoever's experts are asked for
    ("修路要征地,果树补偿标准不合理,想找科协专家评估", "other.government"),
])
def test_boundary_cases(text, category):
    hit = route_rules(text)
    assert hit is not None
    assert hit.category == category
    assert hit.reason


@pytest.mark.parametrize("text", ["", "   ", "😀😀😀", "!!!???", "你好", "咨询一下科普讲座怎么预约"])
def test_no_rule_when_not_certain(text):
    assert route_rules(text) is None


def test_family_violence_beats_noise_complaint():
    hit = route_rules("投诉楼上半夜噪音扰民,后来发现是楼上丈夫殴打妻子")
    assert hit.category == "women.rights"


def test_settled_wages_are_not_a_labour_dispute():
    assert route_rules("以前在餐馆打零工,工钱都结清了,想和姐妹合伙创业开早餐店") is None


@pytest.mark.parametrize("text", ["在健身房办了卡,店里倒闭了,钱一分没退", "报了驾校,交了钱,店关门了一分钱都没给退"])
def test_a_refund_not_paid_is_no_wage(text):
    assert route_rules(text) is None


def test_a_retirees_pension_is_no_labour_dispute():
    hit = route_rules("来电人为退休职工,称今年养老金调整后比同厂退休的邻居少了一百多,怀疑社保局算错了")
    assert hit is None or hit.category != "union.legal"


def test_government_hint_only_without_mass_signal():
    assert government_hint("小区物业费涨价了,物业服务太差").category == "other.government"
    assert government_hint("盲道被占,噪音扰民") is None


@pytest.mark.parametrize(("reason", "expected"), [
    ("劳动关系问题(“拖欠工资”“拖”,涉及用人方“厂”),无论求助人身份均由工会维权",
     "劳动关系问题(“拖欠工资”,涉及用人方),无论求助人身份均由工会维权"),
    ("劳动关系问题(“欠薪”“欠”,涉及用人方“华兴公司”),由工会维权", "劳动关系问题(“欠薪”,涉及用人方“华兴公司”),由工会维权"),
    ("劳动关系问题(“欠薪”“拖欠工资欠薪”),由工会维权", "劳动关系问题(“拖欠工资欠薪”),由工会维权"),
    ("提到职工(“工”)", "提到职工"),
    ("政府部门职责事项(“社保”),登记后转办", "政府部门职责事项(“社保”),登记后转办"),
])
def test_reasons_leave_out_fragments(reason, expected):
    from quntuan.routing.rules import tidy_reason

    assert tidy_reason(reason) == expected


def test_rule_reason_has_no_one_character_cue():
    hit = route_rules("我在服装厂上班,厂里拖欠工资三个月了")
    assert hit.category == "union.legal"
    assert "“拖欠工资”" in hit.reason
    assert "“拖”" not in hit.reason and "“厂”" not in hit.reason


def test_the_girls_aid_asked_for_a_boy_is_hope_project():
    hit = route_rules("单亲妈妈来访,儿子考上县一中,学费发愁,先问了春蕾,妇联说春蕾只资助女孩")
    assert hit is None or hit.category != "women.children"


@pytest.mark.parametrize("text", [
    "去年在工地被钢管砸伤,工伤赔偿已经和单位了结,现在想问残联能不能配假肢",
    "公司裁员时按协议拿了补偿离职,没有争议,现在想学盲人按摩",
])
def test_a_settled_labour_matter_is_background(text):
    hit = route_rules(text)
    assert hit is None or hit.category != "union.legal"


def test_a_phone_mast_asked_of_the_science_association_goes_to_the_government():
    hit = route_rules("楼顶新装了一排通信基站,请科协组织专家来检测辐射是否超标")
    assert hit is not None and hit.category == "other.government"
    talk = route_rules("想请科协来社区办一场讲讲辐射知识的科普讲座")  # the association's own service
    assert talk is None or talk.category != "other.government"

"""Normalization, table-driven on real lines of the plan's raw web copy, plus invariants."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.normalize import normalize, normalize_query, strip_pinyin

CASES = [
    # (raw line as in the web copy, normalized)
    ("關(guān)於印發(fā)《美麗江城建設(shè)規(guī)劃(2024—2035年)》的通知",
     "关于印发《美丽江城建设规划（2024—2035年）》的通知"),
    ("一、建設(shè)目標", "一、建设目标"),
    ("第一階段(2024—2027年)。", "第一阶段（2024—2027年）。"),
    ("城市主要污染物細顆粒物濃度控制在30 微克/立方米以下", "城市主要污染物细颗粒物浓度控制在30微克/立方米以下"),
    ("補齊短板、提質(zhì)增效,生 態(tài)環(huán)境質(zhì)量持續(xù)改善",
     "补齐短板、提质增效，生态环境质量持续改善"),
    ("到 2035 年,非化石能源占能源消費總量比重進一步提高。", "到2035年，非化石能源占能源消费总量比重进一步提高。"),
    ("地表水國考斷面優(yōu)良水體比例保 持在94.7%,劣五類水體", "地表水国考断面优良水体比例保持在94.7%，劣五类水体"),
    ("重點實施大唐吉林發(fā)電有限公司2×350MW熱電聯(lián)產(chǎn)項目等。",
     "重点实施大唐吉林发电有限公司2×350MW热电联产项目等。"),
    ("開展環(huán)境、社會、治理(ESG)信息披露。", "开展环境、社会、治理（ESG）信息披露。"),
    ("專欄2 綠色低碳轉(zhuǎn)型發(fā)展重大工程", "专栏2绿色低碳转型发展重大工程"),
    ("完善國土空間布局。", "完善国土空间布局。"),
    ("典型黑土區(qū)保護面積達到437萬畝", "典型黑土区保护面积达到437万亩"),
    ("各縣(市)區(qū)黨委和人民政府,各開發(fā)區(qū)黨工委、管委會,", "各县（市）区党委和人民政府，各开发区党工委、管委会，"),
    ("地下水國控點位Ⅰ— Ⅳ類水比例達到80%以上。", "地下水国控点位Ⅰ—Ⅳ类水比例达到80%以上。"),
    ("中心城區(qū)至綜合客運樞紐半小時可達率達到 100%。", "中心城区至综合客运枢纽半小时可达率达到100%。"),
    ("PC 端", "PC端"),
    ("ｐｍ２．５　浓度", "pm2.5浓度"),
    ("到2027年, 新能源公交车占比达到72%;", "到2027年，新能源公交车占比达到72%；"),
    ("1,200 tons", "1,200 tons"),
    ("f(x) = 2", "f(x) = 2"),
]


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_normalize_real_lines(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_strip_pinyin_counts() -> None:
    text, n = strip_pinyin("環(huán)境關(guān)於")
    assert (text, n) == ("環境關於", 2)


def test_pinyin_only_after_characters_or_toned() -> None:
    # Latin in brackets that is not a reading stays: (ESG), (PM2.5)
    assert normalize("信息披露(ESG)") == "信息披露（ESG）"
    assert "PM2.5" in normalize("细颗粒物(PM2.5)")


def test_traditional_question() -> None:
    assert normalize_query("2027年時全市森林覆蓋率的目標是多少？") == "2027年时全市森林覆盖率的目标是多少？"
    assert normalize_query("  電動公交車\n要佔多少？ ") == "电动公交车要占多少？"


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("環境關於生態(huán)( )（）,，。;：:?!0123456789.%ab PM年\n\t　ＡＢ１２") + ["\u3000", "—"])))
def test_normalize_is_idempotent_on_policy_alphabet(s: str) -> None:
    once = normalize(s)
    assert normalize(once) == once


@settings(max_examples=1000, deadline=None)
@given(st.text())
def test_normalize_never_raises_and_is_idempotent(s: str) -> None:
    once = normalize(s)
    assert isinstance(once, str)
    assert normalize(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("生态环境质量细颗粒物浓度 \n"))))
def test_no_space_between_cjk(s: str) -> None:
    assert not re.search(r"[\u4e00-\u9fff][ \t]+[\u4e00-\u9fff]", normalize(s))

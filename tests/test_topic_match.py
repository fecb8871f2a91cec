"""The shared topic matcher: sections in a topic by words and by meaning; listings where the topic
is one of many things are not the topic's. Integration: one index (the bundled embedder)."""

from kb.topic_match import dense_in_topic, topic_sections


def _titles(kb, topic: str) -> set[str]:
    doc = next(d for d in kb.documents() if d.meta.level == "municipal")
    return {p[-1] for p in topic_sections(topic, doc, kb.embedder)}


def test_sections_by_meaning_reach_what_the_words_miss(kb) -> None:
    carbon = _titles(kb, "碳达峰碳中和")
    assert "推动能源绿色低碳转型" in carbon  # no 碳达峰 word in the title: by meaning
    assert any(t.startswith("专栏2") for t in carbon)
    assert any("交通运输" in t for t in carbon)  # holds the phrase the closest titles share (绿色低碳)
    assert not any("碧水" in t for t in _titles(kb, "蓝天保卫战"))  # a sibling campaign is not the topic


def test_a_slogan_named_item_joins_its_section(kb) -> None:
    assert any("水清岸绿建设工程" in t for t in _titles(kb, "水环境"))


def test_one_of_many_listed_things_is_not_the_topic() -> None:
    platform = "建成以“大气环境”“水环境”“声环境”“污染源在线”“溯源分析”和“秸秆焚烧管控”“无废城市”“企业监管”为主体的平台"
    assert not dense_in_topic("蓝天保卫战", platform)
    assert dense_in_topic("蓝天保卫战", "空气优良天数比例达到90%以上")

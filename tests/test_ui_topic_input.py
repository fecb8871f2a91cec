"""A topic or keyword typed into 简报 / 目标指标 with NUL or control characters gets a Chinese
message (BadInput), never a traceback; ordinary whitespace is tidied, not refused."""

import pytest

from kb.errors import BadInput
from kb.ui.brief_tab import clean_topic
from kb.ui.targets_tab import select_facts


@pytest.mark.parametrize("topic", ["蓝天\x00保卫战", "碳达峰\x07", "大气\x1b[31m", "水\x85"])
def test_control_characters_are_refused(topic: str) -> None:
    with pytest.raises(BadInput, match="控制字符"):
        clean_topic(topic)
    with pytest.raises(BadInput, match="控制字符"):
        select_facts(None, "", topic, "")
    with pytest.raises(BadInput, match="控制字符"):
        select_facts(None, "", "", topic)


def test_whitespace_is_tidied() -> None:
    assert clean_topic(" 蓝天\t保卫战\n") == "蓝天 保卫战"

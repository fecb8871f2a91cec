"""The CJK font for charts: found by path (the Debian package fonts-noto-cjk that scripts/_venv.sh
installs, or another common CJK face), registered with matplotlib, and never a silent □: with no
font a chart raises FontMissing, whose one Chinese line says what to install.

`python -m kb.chart_font` exits 0 when a font is found and 2 (with that line) when not; the
install scripts call it."""

from __future__ import annotations

import functools
import glob
import os
import sys
from pathlib import Path

from kb.errors import KBError

# Files tried in order; KB_CJK_FONT (a .ttf/.otf/.ttc path) comes first when set.
FONT_GLOBS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK*.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/*.ttc",
    "/usr/share/fonts/**/*CJK*-Regular.tt[cf]",
    "/usr/share/fonts/**/*CJK*.otf",
    "/usr/local/share/fonts/**/*CJK*",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)
INSTALL_HINT = "请安装中文字体：sudo apt-get install fonts-noto-cjk（或把字体文件路径写入环境变量 KB_CJK_FONT）"


class FontMissing(KBError):
    """No CJK font on this machine: charts would show □ instead of Chinese."""


def font_path() -> Path | None:
    """The first CJK font file on this machine, or None."""
    env = os.environ.get("KB_CJK_FONT", "").strip()
    if env and Path(env).is_file():
        return Path(env)
    for pattern in FONT_GLOBS:
        for hit in sorted(glob.glob(pattern, recursive=True)):
            if Path(hit).is_file():
                return Path(hit)
    return None


@functools.lru_cache(maxsize=1)
def _register() -> str | None:
    path = font_path()
    if path is None:
        return None
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def cjk_family() -> str:
    """The registered CJK family name; FontMissing when the machine has none."""
    name = _register()
    if name is None:
        raise FontMissing("本机没有中文字体，图表中的中文会显示为方框", INSTALL_HINT)
    return name


def main() -> int:
    path = font_path()
    if path is None:
        print(f"错误：本机没有中文字体，图表中的中文会显示为方框。{INSTALL_HINT}", file=sys.stderr)
        return 2
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

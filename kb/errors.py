"""The KBError family. Every message names the file or setting at fault and the fix.

The library never calls sys.exit; the CLI maps BadInput → exit 2, any other KBError → exit 1.
"""

from __future__ import annotations

import errno


class KBError(Exception):
    """Base class. ``help_message`` tells the user what to do."""

    exit_code = 1

    def __init__(self, message: str, help_message: str = "") -> None:
        super().__init__(message)
        self.help_message = help_message

    def one_line(self) -> str:
        text = str(self)
        if self.help_message:
            text = f"{text} — {self.help_message}"
        return " ".join(text.split())


class BadInput(KBError):
    """The user gave something we cannot use (empty question, unknown id, unreadable file)."""

    exit_code = 2


class ReadError(BadInput):
    """A source file could not be read (corrupt, binary, wrong extension, empty)."""


class UnknownDocument(BadInput):
    """A document id that is not in the corpus."""


class ConfigError(BadInput):
    """A setting has an invalid value."""


class IndexMissing(BadInput):
    """No index has been built yet."""


class IndexStale(BadInput):
    """The index does not match the corpus, model or settings."""


class IndexCorrupt(BadInput):
    """An index file is truncated or damaged."""


class BuildLocked(BadInput):
    """Another `kb build` is running on the same index."""


class IndexUnwritable(BadInput):
    """The index folder cannot be created or written (read-only, a file, under /proc)."""


class SelectorModelError(KBError):
    """The answer selector's model file is missing, unreadable or does not match this code."""


# What the operating system said, in Chinese: messages never show Python's English strerror.
_OS_REASONS = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "操作不被允许",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "文件系统是只读的",
    errno.EISDIR: "这是一个文件夹",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EEXIST: "已经存在",
    errno.EMFILE: "打开的文件过多",
    errno.ENFILE: "系统打开的文件过多",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EIO: "磁盘读写出错",
    errno.EDQUOT: "超出磁盘配额",
    errno.EBUSY: "文件正被占用",
    errno.ETXTBSY: "文件正被占用",
    errno.ELOOP: "符号链接循环",
    errno.EFBIG: "文件过大",
    errno.ENOMEM: "内存不足",
}


def os_reason(e: BaseException) -> str:
    """The reason of an OSError in Chinese (「没有权限」), for a message a user reads; any other
    error by its kind (数据格式错误, 编码错误)."""
    if isinstance(e, OSError) and e.errno in _OS_REASONS:
        return _OS_REASONS[e.errno]
    if isinstance(e, OSError):
        return f"系统错误（错误号 {e.errno}）" if e.errno else "系统错误"
    if isinstance(e, UnicodeError):
        return "编码错误，不是 UTF-8 文字"
    if isinstance(e, ValueError):
        return "数据格式错误"
    return "读写出错"

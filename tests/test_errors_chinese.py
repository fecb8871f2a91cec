"""Messages carry the operating system's reason in Chinese, never Python's English strerror."""

import errno
import re

import pytest

from kb.errors import os_reason


@pytest.mark.parametrize("code", [errno.ENOENT, errno.EACCES, errno.ENOSPC, errno.EROFS, errno.EISDIR,
                                  errno.ENAMETOOLONG, errno.EIO, errno.EMFILE, 9999])
def test_every_os_error_reason_is_chinese(code):
    reason = os_reason(OSError(code, "English words"))
    assert re.search(r"[\u4e00-\u9fff]", reason) and not re.search(r"[A-Za-z]", reason), reason


def test_a_folder_read_as_a_file_says_why_in_chinese(tmp_path):
    from kb.errors import ReadError
    from kb.readers import read_file

    folder = tmp_path / "plan.txt"
    folder.mkdir()  # opening a folder fails with EISDIR
    with pytest.raises(ReadError) as info:
        read_file(folder)
    message = str(info.value.one_line())
    assert "文件夹" in message and not re.search(r"[A-Za-z]{4,}", message.replace(str(folder), "")), message

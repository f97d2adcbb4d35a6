import subprocess
import sys
import textwrap

import pytest

from toolkit.errors import StoreError
from toolkit.files import exclusive


def test_second_writer_gets_a_clear_error(tmp_path):
    target = tmp_path / "doc.parquet"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from toolkit.files import exclusive
                with exclusive(__import__('pathlib').Path({str(target)!r})):
                    print('locked', flush=True)
                    sys.stdin.readline()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreError, match="another mekong process"), exclusive(target):
            pass
    finally:
        holder.communicate("\n", timeout=10)
    with exclusive(target):  # released when the holder exits
        pass


def test_lock_released_when_holder_is_killed(tmp_path):
    target = tmp_path / "g.tsv"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time, pathlib\n"
            "from toolkit.files import exclusive\n"
            f"with exclusive(pathlib.Path({str(target)!r})):\n"
            "    print('locked', flush=True); time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    holder.kill()
    holder.wait(timeout=10)
    with exclusive(target):
        pass

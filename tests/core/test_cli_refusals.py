"""Issue 15 item 17: a refused `ecoenforce` command prints the translated message and exits 2, never a traceback."""

from __future__ import annotations

import pytest

from ecoenforce.cli import main
from ecoenforce.core.tables.reader import MAX_BYTES

pytestmark = pytest.mark.django_db


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def test_rules_run_over_401_days_is_refused_with_the_message(capsys, settings):
    settings.LANGUAGE_CODE = "en"
    code, _out, err = _run(capsys, "rules", "run", "--from", "2025-01-01", "--to", "2026-02-07")  # 402 days
    assert code == 2
    assert "Traceback" not in err
    assert err == "Run at most 400 days at once; split longer periods.\n  window_to: Too long.\n"


def test_refusals_are_in_chinese_by_default(capsys, tmp_path):
    big = tmp_path / "big.xlsx"
    with big.open("wb") as fh:
        fh.truncate(MAX_BYTES + 1)
    code, _out, err = _run(capsys, "import-pools", "entities", str(big))
    assert (code, err) == (2, "文件超过 10 MB。 请拆分为每个不超过 10 MB 的文件，依次导入。\n  file: 文件超过 10 MB。\n")

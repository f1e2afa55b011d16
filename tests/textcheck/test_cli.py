"""``govportal textcheck FILE|-`` and ``python -m govportal.textcheck``."""

from __future__ import annotations

import io
import json
import subprocess
import sys

from govportal.textcheck.cli import main


def run(argv, stdin_text=None, monkeypatch=None, capsys=None):
    if stdin_text is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin_text.encode("utf-8"))))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_file_with_a_blocking_finding_exits_1(tmp_path, capsys, monkeypatch):
    path = tmp_path / "item.txt"
    path.write_text("机密★10年\n截止目前，手机13812345678。", encoding="utf-8")
    code, lines, _ = run([str(path), "--no-homophones"], capsys=capsys, monkeypatch=monkeypatch)
    assert code == 1
    assert [(x["kind"], x["text"]) for x in lines] == [
        ("secret", "机密★10年"),
        ("typo", "截止"),
        ("personal_data", "13812345678"),
    ]
    assert set(lines[0]) >= {"kind", "severity", "start", "end", "text", "suggestion", "rule"}


def test_stdin_with_only_warnings_exits_0_and_prints_chinese_unescaped(capsys, monkeypatch):
    code, lines, _ = run(["-", "--no-homophones"], "截止目前共受理120件", monkeypatch, capsys)
    assert code == 0 and lines[0]["suggestion"] == "截至"
    out = subprocess.run(
        [sys.executable, "-m", "govportal.textcheck", "-", "--no-homophones"],
        input="截止目前".encode(),
        capture_output=True,
        check=False,
    )
    assert out.returncode == 0 and "截至" in out.stdout.decode("utf-8")


def test_clean_text_prints_nothing(capsys, monkeypatch):
    assert run(["-", "--no-homophones"], "全市经济运行总体平稳。", monkeypatch, capsys)[:2] == (0, [])


def test_usage_errors_exit_2_with_chinese_message(tmp_path, capsys, monkeypatch):
    code, _, err = run([], capsys=capsys, monkeypatch=monkeypatch)
    assert code == 2 and "缺少要检查的文件" in err
    code, _, err = run([str(tmp_path / "none.txt")], capsys=capsys, monkeypatch=monkeypatch)
    assert code == 2 and "找不到文件" in err
    code, _, err = run([str(tmp_path)], capsys=capsys, monkeypatch=monkeypatch)
    assert code == 2 and "目录" in err
    code, _, err = run(["-", "--only", "spelling"], "x", monkeypatch, capsys)
    assert code == 2 and "未知的检查类别" in err


def test_only_and_forbid_non_gov_options(capsys, monkeypatch):
    text = "手机13812345678，见 http://www.example.com/"
    code, lines, _ = run(["-", "--only", "link", "--forbid-non-gov"], text, monkeypatch, capsys)
    assert code == 0 and [x["kind"] for x in lines] == ["link"]


def test_gb18030_file_is_read(tmp_path, capsys, monkeypatch):
    path = tmp_path / "gbk.txt"
    path.write_bytes("内部资料\n正文".encode("gb18030"))
    code, lines, _ = run([str(path), "--no-homophones"], capsys=capsys, monkeypatch=monkeypatch)
    assert code == 1 and lines[0]["text"] == "内部资料"


def test_locality_needs_the_platform_command(capsys, monkeypatch):
    """The pure module has no registries: it says where to run it instead of silently using the starter lists."""
    code, lines, err = run(["-", "--locality", "qinzhou"], "截止目前", monkeypatch, capsys)
    assert code == 2 and lines == []
    assert "govportal textcheck" in err and "--locality" in err

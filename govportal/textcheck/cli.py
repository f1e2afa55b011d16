"""``govportal textcheck FILE|-``: print one JSON object per finding.

Without ``--locality`` the shipped starter lists are used (this module imports no Django). With
``--locality NAME`` the platform's command (``govportal textcheck``, see ``govportal/cli.py``) passes a
*checker_factory* that builds the checker of that locality's site from the registries administrators
maintain (sensitive words, fixed expressions, leaders, link block and allow lists, the profile's link rule).

Exit status: 0 when nothing blocks publication, 1 when a blocking finding was printed, 2 on a
usage error (message in Chinese on standard error).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from .checker import Checker
from .findings import KINDS

USAGE_ERROR = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        if "required" in message:
            message = "缺少要检查的文件（FILE；用“-”表示从标准输入读取）"
        elif "unrecognized arguments" in message:
            message = "无法识别的参数：" + message.split(":", 1)[-1].strip()
        elif "expected one argument" in message:
            message = "选项缺少取值：" + message.split(":", 1)[0].replace("argument", "").strip()
        sys.stderr.write(f"用法：{self.usage}\n用法错误：{message}\n")
        raise SystemExit(USAGE_ERROR)


def build_parser(prog: str = "govportal textcheck") -> argparse.ArgumentParser:
    parser = _Parser(
        prog=prog,
        usage=f"{prog} [--locality 地区] [--forbid-non-gov] [--only 类别] [--no-homophones] FILE|-",
        description="发布前文字检查：个人信息、涉密标识、严重表述错误、领导人职务、错别字、敏感词、链接。"
        "每条问题输出一行 JSON；有“阻止发布”（blocking）的问题时退出码为 1。",
        add_help=False,
    )
    parser.add_argument("file", metavar="FILE", help="要检查的文本文件（UTF-8）；“-”表示从标准输入读取")
    parser.add_argument("-h", "--help", action="help", help="显示帮助并退出")
    parser.add_argument(
        "--forbid-non-gov",
        action="store_true",
        help="只允许链接政府网站（.gov.cn）及白名单网站，其他链接报告为问题",
    )
    parser.add_argument(
        "--only",
        metavar="类别",
        help=f"只检查这些类别，逗号分隔：{','.join(KINDS)}",
    )
    parser.add_argument("--no-homophones", action="store_true", help="不做同音别字（拼音比对）检查，启动更快")
    parser.add_argument(
        "--locality",
        metavar="地区",
        help="按该地区网站的后台词库检查（敏感词、规范表述、领导人职务、链接黑白名单及地区配置的链接规定），"
        "如 qinzhou；需在平台环境中运行（govportal textcheck）",
    )
    return parser


class LocalityError(Exception):
    """Raised by a checker factory for a locality it cannot build (message in Chinese)."""


# (locality, forbid_non_gov or None for the profile's rule) -> a Checker
CheckerFactory = Callable[[str, "bool | None"], object]


def _read(path: str) -> str:
    if path == "-":
        data = sys.stdin.buffer.read()
    else:
        with open(path, "rb") as fh:
            data = fh.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise ValueError("无法识别文件编码，请保存为 UTF-8 后重试") from exc


def main(argv: Sequence[str] | None = None, *, checker_factory: CheckerFactory | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # --help exits 0, usage errors exit 2
        return int(exc.code or 0)

    detectors = None
    if args.only:
        detectors = [x.strip() for x in args.only.split(",") if x.strip()]
        unknown = [x for x in detectors if x not in KINDS]
        if unknown:
            sys.stderr.write(f"用法错误：未知的检查类别 {'、'.join(unknown)}；可选：{'、'.join(KINDS)}\n")
            return USAGE_ERROR
    try:
        text = _read(args.file)
    except FileNotFoundError:
        sys.stderr.write(f"用法错误：找不到文件“{args.file}”\n")
        return USAGE_ERROR
    except IsADirectoryError:
        sys.stderr.write(f"用法错误：“{args.file}”是目录，请给出文本文件\n")
        return USAGE_ERROR
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"用法错误：无法读取“{args.file}”：{exc}\n")
        return USAGE_ERROR

    if args.locality:
        if checker_factory is None:
            sys.stderr.write(
                "用法错误：--locality 要读取平台后台的词库，请用“govportal textcheck”运行"
                "（python -m govportal.textcheck 只用随程序提供的起步清单）\n"
            )
            return USAGE_ERROR
        try:
            checker = checker_factory(args.locality, True if args.forbid_non_gov else None)
        except LocalityError as exc:
            sys.stderr.write(f"用法错误：{exc}\n")
            return USAGE_ERROR
    else:
        checker = Checker.default(
            forbid_non_gov=args.forbid_non_gov, homophones=not args.no_homophones, detectors=detectors
        )
    blocking = False
    out = sys.stdout
    for finding in checker.check(text):
        if detectors is not None and finding.kind not in detectors:
            continue
        out.write(json.dumps(finding.to_dict(), ensure_ascii=False) + "\n")
        blocking = blocking or finding.blocking
    out.flush()
    return 1 if blocking else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

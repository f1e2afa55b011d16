"""The ``govportal`` command: the project's manage.py.

Every Django and Wagtail management command runs through it (``govportal migrate``), plus the
project's own (``govportal demo``, ``govportal load-profile NAME``, ``govportal workdays DATE N``,
``govportal textcheck FILE``, ``govportal serve``). Hyphenated names map to the commands' module names.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govportal.settings")
    if len(argv) > 1 and argv[1] == "textcheck":
        # Pure Python: no settings, no database -- unless --locality asks for the site's registries.
        from govportal.textcheck.cli import main as textcheck_main

        # (the factory is only called for --locality)
        sys.exit(textcheck_main(argv[2:], checker_factory=registry_checker))
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


def registry_checker(locality: str, forbid_non_gov: bool | None):
    """The checker of ``locality``'s site from the administrators' registries (for ``textcheck --locality``)."""
    import django

    from govportal.textcheck.cli import LocalityError

    try:
        django.setup()
        from govportal.monitoring.models import _check_locality
        from govportal.monitoring.textcheck import checker

        try:
            _check_locality(locality)
        except Exception as exc:  # ValidationError: no such locality
            raise LocalityError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
        return checker(locality, forbid_non_gov=forbid_non_gov)
    except LocalityError:
        raise
    except Exception as exc:  # settings or database not available
        raise LocalityError(
            f"无法读取平台后台的词库（{type(exc).__name__}: {exc}）；请检查数据库配置"
        ) from exc


if __name__ == "__main__":
    main()

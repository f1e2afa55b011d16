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
        # Pure Python: no settings, no database.
        from govportal.textcheck.cli import main as textcheck_main

        sys.exit(textcheck_main(argv[2:]))
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()

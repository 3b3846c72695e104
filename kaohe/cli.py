"""The ``kaohe`` console script.

Engine commands (score, gap, robustness, quality) run without starting Django:
they are pure computations on files, and a national-scale ``kaohe score`` must
not pay for the web stack. Everything else is a Django management command.
"""

from __future__ import annotations

import os
import sys

ENGINE_COMMANDS = {"score", "gap", "robustness", "quality"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] in ENGINE_COMMANDS:
        from kaohe.engine.cli import main as engine_main

        sys.exit(engine_main(argv[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.settings")
    from kaohe.settings_check import exit_on_bad_environment

    exit_on_bad_environment()
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()

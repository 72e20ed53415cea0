"""Management commands that hand their arguments to a module's own argparse `main` (pure tools keep their CLI)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from django.core.management.base import BaseCommand


class PassthroughCommand(BaseCommand):
    """`ecoenforce NAME ARGS...` → `main(ARGS)`; the tool prints its own help with `--help`."""

    def main(self, argv: Sequence[str]) -> int:  # pragma: no cover - overridden
        raise NotImplementedError

    def run_from_argv(self, argv: list[str]) -> None:
        code = self.main(list(argv[2:]))
        sys.stdout.flush()
        if code:
            sys.exit(code)

    def handle(self, *args, **options):  # called only through call_command
        code = self.main(list(args))
        if code:
            sys.exit(code)


def passthrough(main: Callable[[list[str]], int], help_text: str) -> type[PassthroughCommand]:
    """Make a Command class that calls `main`."""

    class Command(PassthroughCommand):
        help = help_text

        def main(self, argv):
            return main(argv)

        def create_parser(self, prog_name, subcommand, **kwargs):
            parser = super().create_parser(prog_name, subcommand, **kwargs)
            parser.add_argument("args", nargs="*")
            return parser

    return Command

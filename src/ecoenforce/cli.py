"""The `ecoenforce` command: Django's management commands under the product's own name.

`ecoenforce audit verify`, `ecoenforce demo`, `ecoenforce gateway ...` are management commands of
the domain apps; `ecoenforce up` runs migrations, seeds on first run and serves the web app.

A command the product refuses (any `ApplicationError`: bad input, not found, not allowed, a step out of order)
prints its translated message and exits with status 2 — never a Python traceback. This is the one place that
turns refusals into exit codes, for every command; `--traceback` still shows the stack for developers.
"""

from __future__ import annotations

import os
import sys

REFUSED = 2  # like argparse's usage errors: the command was understood and refused


def _refusal_text(exc) -> str:
    lines = [str(exc.message)]
    for field, messages in (exc.details or {}).items():
        for message in messages:
            if str(message) != lines[0]:
                lines.append(f"  {field}: {message}" if field != "__all__" else f"  {message}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Run an ecoenforce command (defaults to sys.argv)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoenforce.settings")
    from django.core.management import execute_from_command_line

    from ecoenforce.core.errors import ApplicationError

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        execute_from_command_line(["ecoenforce", *args])
    except ApplicationError as exc:
        if "--traceback" in args:
            raise
        sys.stderr.write(_refusal_text(exc) + "\n")
        sys.exit(REFUSED)
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        sys.exit(130)


if __name__ == "__main__":
    main()

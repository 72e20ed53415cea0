"""The `ecoenforce` command: Django's management commands under the product's own name.

`ecoenforce audit verify`, `ecoenforce demo`, `ecoenforce gateway ...` are management commands of
the domain apps; `ecoenforce up` runs migrations, seeds on first run and serves the web app.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run an ecoenforce command (defaults to sys.argv)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoenforce.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    execute_from_command_line(["ecoenforce", *args])


if __name__ == "__main__":
    main()

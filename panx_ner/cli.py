"""Entry-point helper: user-fixable problems become one line on stderr and exit code 2."""

from __future__ import annotations

import sys
from typing import Callable


class PipelineError(Exception):
    """A problem the user can fix (bad param, missing folder, bad data): reported as one line."""


EXIT_USER_ERROR = 2


def run_main(main: Callable[[], None]) -> None:
    try:
        main()
    except PipelineError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(EXIT_USER_ERROR)

"""Entry-point helper: user-fixable problems become one line on stderr and exit code 2."""

from __future__ import annotations

import sys
from typing import Callable

from panx_ner.errors import PipelineError


EXIT_USER_ERROR = 2


def run_main(main: Callable[[], None]) -> None:
    try:
        main()
    except PipelineError as error:
        for line in str(error).splitlines():  # several problems: one line each
            print(f"error: {line}", file=sys.stderr)
        sys.exit(EXIT_USER_ERROR)


def parse_strategy_or_curve_size(description: str | None, seed: bool = False, test_set: bool = False):
    """Arguments of the stages that act on one model: a strategy name or --curve-size N (a learning-curve model),
    with `seed`: and --seed N, one of train.seeds; with `test_set`: and --set NAME, an out-of-domain set."""
    import argparse

    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("strategy", nargs="?")
    parser.add_argument("--curve-size", type=int)
    if seed:
        parser.add_argument("--seed", type=int, required=True, help="which of train.seeds")
    if test_set:
        parser.add_argument("--set", required=True, help="which of out_of_domain.sets")
    args = parser.parse_args()
    if (args.strategy is None) == (args.curve_size is None):
        parser.error("give either a strategy or --curve-size")
    return args


def parse_language(description: str | None) -> str:
    """The argument of the stages that act on one language: its code, e.g. `de`."""
    import argparse

    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("language")
    return parser.parse_args().language

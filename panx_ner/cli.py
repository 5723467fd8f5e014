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
        print(f"error: {error}", file=sys.stderr)
        sys.exit(EXIT_USER_ERROR)


def parse_strategy_or_curve_size(description: str | None, seed: bool = False):
    """Arguments of the stages that act on one model: a strategy name (with `seed`: and --seed N, one of
    train.seeds), or --curve-size N for a learning-curve model."""
    import argparse

    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("strategy", nargs="?")
    parser.add_argument("--curve-size", type=int)
    if seed:
        parser.add_argument("--seed", type=int, help="with a strategy: which of train.seeds")
    args = parser.parse_args()
    if (args.strategy is None) == (args.curve_size is None):
        parser.error("give either a strategy or --curve-size")
    if seed and (args.strategy is None) != (args.seed is None):
        parser.error("--seed goes with a strategy, and a strategy needs --seed")
    return args

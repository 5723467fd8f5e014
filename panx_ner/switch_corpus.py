"""Points the study at a corpus folder of one folder a language (`<folder>/<lang>/` or `PAN-X.<lang>/`), with
CoNLL-style files or parquet shards per split (docs/sources.md says which layouts read):

    python -m panx_ner.switch_corpus ../shared/corpora/conll en de es nl --train-fraction 0.1 --validation-fraction 0.2
    git checkout params.yaml   # back to the PAN-X study

It sets the dataset keys (source, tracked, tags and scheme to auto: the tag set comes from the train files), the
languages and their fractions per split, the evaluation-only languages, the strategies (`each`: one model a
language; `all`: one on every language together), and the sections that name a language (learning curve, error
report, examples). params.yaml is validated before it is written; comments are not kept (git has them).
"""

from __future__ import annotations

import argparse

import yaml

from panx_ner.cli import run_main
from panx_ner.errors import PipelineError
from panx_ner.params import PARAMS_FILE, parse_params, read_params_tree

STRATEGY_KINDS = ("each", "all")
HEADER = "# Written by python -m panx_ner.switch_corpus {args}; `git checkout params.yaml` restores the PAN-X study.\n"


def switched_tree(tree: dict, folder: str, languages: list[str], zero_shot: list[str], fractions: dict[str, float],
                  test_fraction: float, kinds: list[str], curve_sizes: list[int]) -> dict:
    first = languages[0]
    strategies = {}
    if "each" in kinds:
        strategies |= {language: [language] for language in languages}
    if "all" in kinds:
        strategies["all"] = list(languages)
    new = dict(tree)
    new["dataset"] = {**tree["dataset"], "source": folder, "revision": None, "tracked": folder, "tags": "auto",
                      "scheme": "auto"}
    new["languages"] = {language: dict(fractions) for language in languages}
    new["zero_shot_languages"] = {language: test_fraction for language in zero_shot}
    new["strategies"] = strategies
    zero_shot_strategy = first if first in strategies else next(iter(strategies))
    new["learning_curve"] = {**tree["learning_curve"], "language": first, "sizes": curve_sizes,
                             "zero_shot_strategy": zero_shot_strategy}
    new["error_report"] = {**tree["error_report"], "strategy": zero_shot_strategy, "language": first}
    new["examples"] = {language: text for language, text in (tree.get("examples") or {}).items()
                       if language in languages}
    return new


def _fraction_list(text: str) -> list[str]:
    return [part for part in text.replace(",", " ").split() if part]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", help="the corpus folder, e.g. ../shared/corpora/conll")
    parser.add_argument("languages", nargs="+", help="the languages trained on (their folders' names)")
    parser.add_argument("--zero-shot", default="", help="evaluation-only languages, e.g. 'pl ru'")
    parser.add_argument("--train-fraction", type=float, default=1.0)
    parser.add_argument("--validation-fraction", type=float, default=1.0)
    parser.add_argument("--test-fraction", type=float, default=1.0)
    parser.add_argument("--strategies", default="each,all", help=f"any of {', '.join(STRATEGY_KINDS)}")
    parser.add_argument("--curve-sizes", default="250,500", help="learning-curve sizes on the first language")
    args = parser.parse_args()
    kinds = _fraction_list(args.strategies)
    unknown = [kind for kind in kinds if kind not in STRATEGY_KINDS]
    if unknown or not kinds:
        raise PipelineError(f"--strategies: {unknown[0] if unknown else args.strategies!r} is not one of "
                            f"{', '.join(STRATEGY_KINDS)}")
    try:
        sizes = [int(size) for size in _fraction_list(args.curve_sizes)]
    except ValueError:
        raise PipelineError(f"--curve-sizes: {args.curve_sizes!r} is not a list of integers, e.g. 250,500") from None
    fractions = {"train": args.train_fraction, "validation": args.validation_fraction, "test": args.test_fraction}
    tree = switched_tree(read_params_tree(), args.folder, args.languages, _fraction_list(args.zero_shot), fractions,
                         args.test_fraction, kinds, sizes)
    parse_params(tree)  # the schema and the folder checks: a language without a folder is one line, nothing written
    text = yaml.safe_dump(tree, sort_keys=False, allow_unicode=True, default_flow_style=None)
    command = " ".join([args.folder, *args.languages])
    PARAMS_FILE.write_text(HEADER.format(args=command) + text)
    print(f"{PARAMS_FILE}: the study now trains {', '.join(tree['strategies'])} on {args.folder} "
          f"({', '.join(args.languages)}); `dvc repro` runs it")


if __name__ == "__main__":
    run_main(main)

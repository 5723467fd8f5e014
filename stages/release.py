"""Stage release: a strategy's trained model with its model card -> release/<strategy>/ (a folder to hand on).

    python -m stages.release de

The card needs the test scores, which exist only after evaluate, and DVC lets one stage write an output, so the
card does not go into models/<strategy>/: this stage copies the model folder beside its README.md (DVC stores
the copied weights once: same content, same cache entry).
"""

import shutil

import pyarrow.parquet as pq

from panx_ner.artifacts import (
    atomic_path,
    encoded_dir,
    model_dir,
    read_json,
    release_dir,
    scores_file,
    split_file,
    training_log_file,
)
from panx_ner.checkpoints import load_trained
from panx_ner.cli import parse_strategy_or_curve_size, run_main
from panx_ner.errors import PipelineError
from panx_ner.model_card import model_card
from panx_ner.params import load_params


def main() -> None:
    args = parse_strategy_or_curve_size(__doc__)
    if args.strategy is None:
        raise PipelineError("release: give a strategy; learning-curve models are not released")
    params = load_params()
    languages = params.check_strategy(args.strategy)
    load_trained(model_dir(args.strategy))  # a one-line error for a folder that is not a trained model
    sentences = {language: {split: pq.ParquetFile(split_file(encoded_dir(language), split)).metadata.num_rows
                            for split in ("train", "validation")} for language in languages}
    scores = read_json(scores_file(args.strategy))
    test_sentences = {language: pq.ParquetFile(split_file(encoded_dir(language), "test")).metadata.num_rows
                      for language in scores}
    card = model_card(args.strategy, params, scores, read_json(training_log_file(args.strategy).with_suffix(".json")),
                      sentences, test_sentences)
    with atomic_path(release_dir(args.strategy)) as temporary:
        shutil.copytree(model_dir(args.strategy), temporary)
        (temporary / "README.md").write_text(card)
    print(f"release {args.strategy}: {release_dir(args.strategy)} (model card README.md)")


if __name__ == "__main__":
    run_main(main)

"""Stage release: a strategy's trained model with its model card -> release/<strategy>/ (a folder to hand on).

    python -m stages.release de

The released model is the one trained with the first seed of train.seeds (the others measure the spread).

The card needs the test scores, which exist only after evaluate, and DVC lets one stage write an output, so the
card does not go into models/<strategy>/seed<seed>/: this stage links the model folder's files beside its README.md
(hard links: the weights are not written again, and DVC stores them once: same content, same cache entry).
"""

import pyarrow.parquet as pq

from panx_ner.artifacts import (
    atomic_path,
    encoded_dir,
    link_tree,
    model_dir,
    model_name,
    read_json,
    release_dir,
    scores_file,
    split_file,
    training_record_file,
)
from panx_ner.checkpoints import check_trained, trained_tag_set
from panx_ner.dataset_layout import corpus_name
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
    seed, name = params.released_seed, model_name(args.strategy, params.released_seed)
    check_trained(model_dir(args.strategy, seed))  # a one-line error for a folder that is not a trained model
    scores = read_json(scores_file(name))
    rows = {(language, split): pq.ParquetFile(split_file(encoded_dir(language), split)).metadata.num_rows
            for language in scores for split in params.splits(language)}
    sentences = {language: {split: rows[language, split] for split in ("train", "validation")} for language in languages}
    test_sentences = {language: rows[language, "test"] for language in scores}
    card = model_card(args.strategy, seed, params, scores, read_json(training_record_file(name)),
                      sentences, test_sentences, trained_tag_set(model_dir(args.strategy, seed)).entity_types,
                      corpus_name(params.dataset.source))
    with atomic_path(release_dir(args.strategy)) as temporary:
        link_tree(model_dir(args.strategy, seed), temporary)
        (temporary / "README.md").write_text(card)
    print(f"release {args.strategy}: {release_dir(args.strategy)} (model card README.md)")


if __name__ == "__main__":
    run_main(main)

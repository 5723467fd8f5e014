"""Hugging Face model cards (README.md with a YAML header) for the trained models, from this run's own records."""

from __future__ import annotations

import pandas as pd
import yaml

from panx_ner.environment import environment_summary
from panx_ner.params import Params
from panx_ner.tables import markdown_table

BOOK_MODELS = ("xlm-roberta-base", "FacebookAI/xlm-roberta-base")  # the chapter's encoder
DATASET = "google/xtreme"


def _dataset_entry(corpus: str, language: str) -> dict:
    if corpus == "PAN-X":
        return {"type": DATASET, "name": f"PAN-X.{language}", "config": f"PAN-X.{language}", "split": "test"}
    return {"type": corpus, "name": f"{corpus} {language}", "config": language, "split": "test"}


def card_header(strategy: str, params: Params, scores: dict[str, dict], corpus: str = "PAN-X") -> dict:
    """The YAML metadata the Hub reads: languages, license, base model, datasets, task and test F1 per language."""
    results = [{
        "task": {"type": "token-classification", "name": "Named entity recognition"},
        "dataset": _dataset_entry(corpus, language),
        "metrics": [{"type": "f1", "name": "F1 (seqeval, micro)", "value": language_scores["f1"]}],
    } for language, language_scores in scores.items()]
    return {
        "language": list(params.strategies[strategy]),
        "license": params.release.license,
        "library_name": "transformers",
        "pipeline_tag": "token-classification",
        "base_model": params.release.base_model,
        "datasets": [DATASET] if corpus == "PAN-X" else [corpus],
        "metrics": ["seqeval"],
        "tags": ["named-entity-recognition", *(["pan-x", "wikiann"] if corpus == "PAN-X" else [corpus.lower()])],
        "model-index": [{"name": f"panx-ner-{strategy}", "results": results}],
    }


def _score_table(scores: dict[str, dict], trained_on: tuple[str, ...], test_sentences: dict[str, int],
                 entity_types: list[str]) -> str:
    rows = [{"language": language, "trained on": "yes" if language in trained_on else "zero-shot",
             "test sentences": test_sentences[language],
             "F1": s["f1"], "precision": s["precision"], "recall": s["recall"],
             **{f"{entity} F1": s[entity]["f1"] for entity in entity_types}} for language, s in scores.items()]
    return markdown_table(pd.DataFrame(rows))


def model_card(strategy: str, seed: int, params: Params, scores: dict[str, dict], training: dict,
               sentences: dict[str, dict[str, int]], test_sentences: dict[str, int], entity_types: list[str],
               corpus: str = "PAN-X") -> str:
    """The card of one strategy's model. `training`: its training JSON (best epoch, precision, processes);
    `sentences`: {language: {split: sentences}} of the languages it was trained on; `test_sentences`: the size of
    each scored test sample; `entity_types`: the model's (its config's id2label); `corpus`: PAN-X, or the name of
    the corpus folder it was trained on."""
    languages = params.strategies[strategy]
    train = params.train
    header = yaml.safe_dump(card_header(strategy, params, scores, corpus), sort_keys=False, allow_unicode=True)
    counts = markdown_table(pd.DataFrame([{"language": language, **sentences[language]} for language in languages]))
    stand_in = params.release.base_model not in BOOK_MODELS
    types = ", ".join(entity_types)
    panx = corpus == "PAN-X"
    limitations = [
        "PAN-X (WikiANN) labels were derived automatically from Wikipedia links: they are silver, not gold, "
        "annotations, and sentences are often fragments such as list items and titles." if panx else
        f"Trained on the {corpus} corpus as its files were read (metrics/corpus.json of the run: layout, scheme, "
        f"repaired tags, broken text); its licence terms apply to this model.",
        "Only three entity types (PER, ORG, LOC); dates, numbers and miscellaneous names are not tagged." if panx else
        f"Only the entity types {types}; anything else is not tagged.",
        f"The training text was split into words the {corpus} way; the pipeline's word splitting of raw text "
        f"(punctuation as its own word) differs in places." if not panx else
        "The training text was split into words the PAN-X way (punctuation as its own word); the pipeline's "
        "word splitting of raw text differs in places.",
        "Zero-shot languages were never trained on; where their test sample is small (see the table), their F1 "
        "carries more uncertainty than that of the trained languages.",
    ]
    if stand_in:
        limitations.insert(0, f"The base model is {params.release.base_model}, a smaller stand-in for the "
                              f"xlm-roberta-base of the chapter this study reproduces: expect lower F1 than the "
                              f"book's.")
    usage = "\n".join([
        "```python",
        "from transformers import pipeline",
        "",
        'tagger = pipeline("token-classification", model="path/to/this/folder", aggregation_strategy="first")',
        f'tagger("{params.examples.get(languages[0], "Jeff Dean works at Google in California")}")',
        "```",
    ])
    return "\n".join([
        "---", header.rstrip(), "---", "",
        f"# {corpus} named entity recognition: strategy `{strategy}` ({'+'.join(languages)})", "",
        f"{params.release.base_model} fine-tuned for named entity recognition ({types} in IOB2 tags) on the "
        f"{corpus} training split of {', '.join(languages)}, "
        + ("sampled in the Swiss spoken proportions as in chapter 4 of *Natural Language Processing with "
           "Transformers*" if panx else "as the study's params sample it")
        + "; only the first sub-word of each word carries a label.", "",
        "## Training data", "", counts, "",
        "## Training", "",
        f"{train.epochs} epochs, batch size {train.batch_size}, learning rate {train.learning_rate}, weight decay "
        f"{train.weight_decay}, warmup ratio {train.warmup_ratio}, seed {seed}, batches {_batches(train)}, "
        f"precision {training['precision']}, {training['processes']} process(es). The epoch with the best "
        f"validation F1 was kept: epoch {training['best_epoch']}, validation F1 {training['best_validation_f1']}.", "",
        f"Trained on: {environment_summary(training['environment'])}. Under bf16 the CPU's kernels and the thread "
        f"count decide the last bits of every sum, so another kind of machine trains other weights from the same "
        f"data and seed (test F1 within what a seed moves).", "",
        "## Test scores", "",
        f"seqeval, default (non-strict) mode, micro average; {corpus} test splits (the sampled share of each).", "",
        _score_table(scores, languages, test_sentences, entity_types), "",
        "## How to use", "", usage, "",
        "## Limitations", "", *[f"- {line}" for line in limitations], "",
    ])


def _batches(train) -> str:
    packed = ", packed into rows of whole sentences" if train.packing else ""
    if train.sampling != "group_by_length":
        return train.sampling + packed
    if not train.length_noise:
        return "grouped by length" + packed
    low, high = 1 - train.length_noise, 1 + train.length_noise
    return f"grouped by length (each length times a random factor in [{low:g}, {high:g}], drawn each epoch){packed}"

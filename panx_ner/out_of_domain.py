"""Out-of-domain test sets: other corpora's splits (news; Wikipedia labelled another way), drawn and encoded once
per set, and every model scored on them on the entity types it shares with the set (panx_ner/shared_types.py).

A set is params' out_of_domain.sets.<name>: a folder of <lang>/ CoNLL files, read by the dataset's one reader
(panx_ner/conll.py: any column layout, IOB1/BIOES converted, broken IOB2 repaired and counted). Each language's split
is shuffled with sample.seed and cut to out_of_domain.sentences sentences, so every model sees the same sentences.
The set's own tag set (O, then B-/I- of its types by name) travels in data/out_of_domain/<set>/tags.json.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from panx_ner.artifacts import DATA, atomic_path, flat_name, load_split, split_file, write_json
from panx_ner.conll import ConllSplit, collected_tag_set, find_conll_file, read_conll
from panx_ner.errors import PipelineError
from panx_ner.tags import IGNORED_LABEL, TagSet, load_tag_set

OUT_OF_DOMAIN = DATA / "out_of_domain"
BOOTSTRAP_DRAWS = 1000  # resamples of the drawn sentences behind each cell's sampling sd


def set_dir(name: str) -> Path:
    return OUT_OF_DOMAIN / name


def set_tags_file(name: str) -> Path:
    return set_dir(name) / "tags.json"


def scores_file(model_name: str, set_name: str) -> Path:
    """One model's scores on one set: data/scores/out_of_domain/de-seed42-conll.json."""
    return DATA / "scores" / "out_of_domain" / f"{flat_name(model_name)}-{set_name}.json"


def cell_name(set_name: str, language: str) -> str:
    """How an out-of-domain cell is named in metrics, compare and the noise reference: conll/en."""
    return f"{set_name}/{language}"


def with_cells(f1: dict, table: dict) -> dict:
    """metrics/f1.json's table with metrics/out_of_domain.json's cells beside each strategy's languages (mean and
    sd, named set/lang), as compare and the noise reference read them."""
    for strategy, row in table.items():
        f1.setdefault(strategy, {}).update({cell: {"mean": value["mean"], "sd": value["sd"]}
                                            for cell, value in row.items()})
    return f1


# ---------------------------------------------------------------- preparing a set

def set_split_file(folder: Path, language: str, split: str) -> Path:
    """The language's split file of a set; none (or two) is one line naming the folder."""
    found = find_conll_file(folder / language, split)
    if found is None:
        raise PipelineError(f"{folder / language}: no {split} file; expected one such as {split}.conll, "
                            f"{'val' if split == 'validation' else split}.conllu or {split}.txt")
    return found


def read_set_split(folder: Path, language: str, split: str, scheme: str) -> ConllSplit:
    return read_conll(set_split_file(folder, language, split), language, scheme)


def draw(split: ConllSplit, tag_set: TagSet, sentences: int, seed: int):
    """The split as a Dataset (tokens, ner_tags with the set's ClassLabel names), shuffled with `seed` and cut to
    `sentences` (0: every sentence)."""
    from datasets import Dataset

    features = tag_set.features()
    del features["langs"]
    dataset = Dataset.from_dict({"tokens": split.tokens, "ner_tags": split.tag_ids(tag_set)}, features=features)
    keep = dataset.num_rows if sentences == 0 else min(sentences, dataset.num_rows)
    return dataset.shuffle(seed=seed).select(range(keep)).flatten_indices()


def prepare_set(name: str, folder: str, languages: tuple[str, ...], split: str, scheme: str, sentences: int,
                seed: int, tokenizer, max_length: int) -> dict:
    """Reads, draws and encodes every language of a set into data/out_of_domain/<name>/<lang>/test.parquet (all of
    it or nothing); returns the report written beside them: what the reader decided and found, per language."""
    from panx_ner.corpus import count_entities, pieces_per_word
    from panx_ner.encoding import encode_split
    from panx_ner.text_checks import text_findings

    read = {language: read_set_split(Path(folder), language, split, scheme) for language in languages}
    tag_set = collected_tag_set(list(read.values()))
    report = {"folder": folder, "split": split, "sentences_drawn": sentences, "seed": seed,
              "tags": list(tag_set.tags), "languages": {}}
    with atomic_path(set_dir(name)) as target:
        target.mkdir()
        for language, conll in read.items():
            drawn = draw(conll, tag_set, sentences, seed)
            encoded = encode_split(drawn, tokenizer, max_length)
            (target / language).mkdir()
            encoded.to_parquet(split_file(target / language, "test"))
            report["languages"][language] = {
                "reader": conll.report.as_dict(),
                "sentences": len(conll.tokens),
                "drawn": drawn.num_rows,
                "entities": count_entities(drawn["ner_tags"], list(tag_set.tags)),
                "text": text_findings(conll.tokens),
                "pieces_per_word": pieces_per_word(encoded),
                "truncated": sum(1 for n in encoded["num_words_truncated"] if n > 0),
            }
        write_json(target / "tags.json", {"tags": list(tag_set.tags), "entity_types": tag_set.entity_types,
                                          "from": f"the {split} files' tags"})
        write_json(target / "report.json", report)
    return report


# ---------------------------------------------------------------- scoring a model on a set

def aligned_tags(predicted_ids, label_ids, model_tags: TagSet, set_tags: TagSet) -> tuple[list, list]:
    """(gold, predicted) tag strings at each word's first sub-word: gold in the set's tag set, prediction in the
    model's."""
    gold, predicted = [], []
    for prediction, labels in zip(predicted_ids, label_ids):
        labels = np.asarray(labels)
        keep = labels != IGNORED_LABEL
        gold.append([set_tags.id2tag[int(i)] for i in labels[keep]])
        predicted.append([model_tags.id2tag[int(i)] for i in np.asarray(prediction)[keep]])
    return gold, predicted


def on_other_types(gold: list[list[str]], predicted: list[list[str]], types: list[str]) -> dict[str, dict[str, int]]:
    """Predicted entities of a shared type that overlap a gold entity of a type the model lacks (MISC), counted by
    gold type and predicted type: the false positives the type rule keeps, e.g. a MISC phrase tagged ORG."""
    from seqeval.metrics.sequence_labeling import get_entities

    shared, counts = set(types), {}
    for gold_tags, predicted_tags in zip(gold, predicted):
        others = [entity for entity in get_entities(gold_tags) if entity[0] not in shared]
        for kind, first, last in get_entities(predicted_tags):
            if kind not in shared:
                continue
            hit = next((g for g in others if first <= g[2] and g[1] <= last), None)
            if hit is not None:
                row = counts.setdefault(hit[0], dict.fromkeys(types, 0))
                row[kind] += 1
    return counts


def sentence_counts(gold: list[list[str]], predicted: list[list[str]]) -> np.ndarray:
    """Per sentence: entities found exactly, gold entities, predicted entities (seqeval's default-mode spans)."""
    from seqeval.metrics.sequence_labeling import get_entities

    counts = np.zeros((len(gold), 3))
    for row, (gold_tags, predicted_tags) in enumerate(zip(gold, predicted)):
        gold_entities, predicted_entities = set(get_entities(gold_tags)), set(get_entities(predicted_tags))
        counts[row] = len(gold_entities & predicted_entities), len(gold_entities), len(predicted_entities)
    return counts


def sampling_sd(gold: list[list[str]], predicted: list[list[str]], seed: int = 0) -> float:
    """The sd of micro F1 over bootstrap resamples of the sentences: what drawing these sentences and not others
    costs in noise (seqeval's micro F1 is 2 TP / (gold + predicted) over the entities of all sentences)."""
    counts = sentence_counts(gold, predicted)
    if not len(counts):
        return 0.0
    draws = np.random.default_rng(seed).integers(0, len(counts), size=(BOOTSTRAP_DRAWS, len(counts)))
    true_positive, gold_total, predicted_total = (counts[draws].sum(axis=1)).T
    f1 = np.divide(2 * true_positive, gold_total + predicted_total, out=np.zeros(BOOTSTRAP_DRAWS),
                   where=(gold_total + predicted_total) > 0)
    return round(float(f1.std(ddof=1)), 4)


def score_on_set(model, tokenizer, set_name: str, languages: list[str], batch_size: int,
                 precision: str = "fp32") -> dict[str, dict]:
    """Per language of the set: scores on the shared types (micro and per type, with the types named), the entity
    outcome classes on them, shared-type predictions on gold entities of other types, and the sampling sd."""
    from panx_ner.entity_errors import classify_entities
    from panx_ner.inference import predict_label_ids
    from panx_ner.shared_types import keep_types, shared_type_scores, shared_types

    model_tags = TagSet.from_id2label(model.config.id2label)
    set_tags = load_tag_set(set_tags_file(set_name))
    types = shared_types(model_tags.entity_types, set_tags.entity_types)
    if not types:
        raise PipelineError(f"out_of_domain.sets.{set_name}: its types ({', '.join(set_tags.entity_types)}) share "
                            f"none with the model's ({', '.join(model_tags.entity_types)}); expected at least one")
    scores = {}
    for language in languages:
        dataset = load_split(set_dir(set_name) / language, "test")
        predicted_ids = predict_label_ids(model, dataset["input_ids"], batch_size, tokenizer.pad_token_id,
                                          precision=precision)
        gold, predicted = aligned_tags(predicted_ids, dataset["labels"], model_tags, set_tags)
        kept = set(types)
        gold_kept = [keep_types(tags, kept) for tags in gold]
        predicted_kept = [keep_types(tags, kept) for tags in predicted]
        scores[language] = {**shared_type_scores(gold, predicted, types),
                            "entities": classify_entities(gold_kept, predicted_kept),
                            "on_other_types": on_other_types(gold, predicted, types),
                            "sampling_sd": sampling_sd(gold_kept, predicted_kept),
                            "sentences": dataset.num_rows}
    return scores

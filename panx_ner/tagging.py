"""Tagging raw text with a trained checkpoint through transformers' token-classification pipeline."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
from transformers.pipelines.token_classification import AggregationStrategy

from panx_ner.tables import markdown_table
from panx_ner.checkpoints import load_trained


@dataclass(frozen=True)
class Entity:
    type: str
    text: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class TaggedText:
    text: str
    tokens: list[str]  # sub-words, special tokens left out
    tags: list[str]  # the predicted tag of each sub-word
    entities: list[Entity]  # word-level spans: each word takes its first sub-word's tag, as in training

    def to_dict(self) -> dict:
        return asdict(self)


class Tagger:
    def __init__(self, model_path: Path | str):
        from transformers import pipeline

        model, tokenizer = load_trained(Path(model_path))
        self.pipeline = pipeline("token-classification", model=model, tokenizer=tokenizer)

    def __call__(self, text: str) -> TaggedText:
        # One forward pass, read twice: every sub-word's tag, and word spans where a word takes its first
        # sub-word's tag ("first"), matching the labels the model was trained on.
        preprocess_params = self.pipeline._preprocess_params  # what pipeline(text) would pass
        outputs = [self.pipeline.forward(inputs) for inputs in self.pipeline.preprocess(text, **preprocess_params)]
        pieces = self.pipeline.postprocess(outputs, AggregationStrategy.NONE, ignore_labels=[])
        entities = []
        for span in self.pipeline.postprocess(outputs, AggregationStrategy.FIRST):
            start, end = int(span["start"]), int(span["end"])
            while start < end and text[start].isspace():  # SentencePiece offsets include the word's leading space
                start += 1
            entities.append(Entity(type=span["entity_group"], text=text[start:end], start=start, end=end,
                                   score=round(float(span["score"]), 4)))
        return TaggedText(text=text, tokens=[p["word"] for p in pieces], tags=[p["entity"] for p in pieces],
                          entities=entities)


def tagged_markdown(tagged: TaggedText) -> str:
    table = markdown_table(pd.DataFrame([["tags", *tagged.tags]], columns=["tokens", *tagged.tokens]))
    spans = ", ".join(f"{e.type} \"{e.text}\"" for e in tagged.entities) or "none"
    return f"{table}\nEntities: {spans}\n"

"""Tagging raw text with a trained checkpoint through transformers' token-classification pipeline."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from panx_ner.evaluation import load_trained


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
        # "first": a word's tag is its first sub-word's, matching the labels the model was trained on
        self.spans = pipeline("token-classification", model=model, tokenizer=tokenizer, aggregation_strategy="first")
        self.sub_words = pipeline("token-classification", model=model, tokenizer=tokenizer,
                                  aggregation_strategy="none", ignore_labels=[])

    def __call__(self, text: str) -> TaggedText:
        pieces = self.sub_words(text)
        entities = []
        for span in self.spans(text):
            start, end = int(span["start"]), int(span["end"])
            while start < end and text[start].isspace():  # SentencePiece offsets include the word's leading space
                start += 1
            entities.append(Entity(type=span["entity_group"], text=text[start:end], start=start, end=end,
                                   score=round(float(span["score"]), 4)))
        return TaggedText(text=text, tokens=[p["word"] for p in pieces], tags=[p["entity"] for p in pieces],
                          entities=entities)


def tagged_markdown(tagged: TaggedText) -> str:
    header = "| " + " | ".join(["tokens", *(t.replace("|", "\\|") for t in tagged.tokens)]) + " |"
    rule = "|" + "---|" * (len(tagged.tokens) + 1)
    tags = "| " + " | ".join(["tags", *tagged.tags]) + " |"
    spans = ", ".join(f"{e.type} \"{e.text}\"" for e in tagged.entities) or "none"
    return f"{header}\n{rule}\n{tags}\n\nEntities: {spans}\n"

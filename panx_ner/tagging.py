"""Tagging raw text with a trained model, the way the model saw its training data.

PAN-X gives punctuation tokens of their own ("München ." not "München."), so raw text is split the same way before
the model sees it, and every entity is reported on the original text's character offsets. A word takes its first
sub-word's tag, as in training; entities are seqeval's spans over the word tags, as in the scores. Texts longer than
the model's input are tagged in windows of whole words, so every word gets a tag.

PAN-X's labels were made from Wikipedia links, and its entities often take in the brackets and quotes around a
name ("( Zürich )" tagged LOC as a whole), so a model trained on it tags them too. An entity is reported without
the punctuation-only words at its edges (`LOC "Zürich"`, not `LOC "(Zürich)"`), and one that is nothing but
punctuation is dropped; the word tags stay as the model gave them, and the spans those tags give are kept beside
the reported ones (`model_entities`).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
import torch
from seqeval.metrics.sequence_labeling import get_entities

from panx_ner.checkpoints import load_trained
from panx_ner.errors import PipelineError
from panx_ner.params import position_limit
from panx_ner.precision import autocast, resolve_precision
from panx_ner.tables import markdown_table

# A word: letters/digits, with inner hyphens, apostrophes or dots ("Baden-Württemberg", "d'Italia", "U.S");
# every other non-space character is a token of its own, as in PAN-X.
WORD = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]")


@dataclass(frozen=True)
class Entity:
    type: str
    text: str
    start: int
    end: int
    score: float  # mean probability of the entity's words' first sub-word tags


@dataclass(frozen=True)
class TaggedText:
    text: str
    tokens: list[str]  # sub-words, special tokens left out
    tags: list[str]  # the predicted tag of each sub-word
    entities: list[Entity]  # word-level spans on the original text, without punctuation-only words at their edges
    model_entities: list[Entity]  # the spans as the word tags give them, edges and all

    def to_dict(self) -> dict:
        return asdict(self)


def split_words(text: str) -> list[tuple[str, int, int]]:
    """(word, start, end) in the text, split as PAN-X splits sentences."""
    return [(match.group(), match.start(), match.end()) for match in WORD.finditer(text)]


def is_punctuation(word: str) -> bool:
    return not any(character.isalnum() for character in word)


def trimmed(first: int, last: int, words: list[str]) -> tuple[int, int] | None:
    """The word span [first, last] without punctuation-only words at either end; None if nothing else is left."""
    while first <= last and is_punctuation(words[first]):
        first += 1
    while last >= first and is_punctuation(words[last]):
        last -= 1
    return (first, last) if first <= last else None


class Tagger:
    def __init__(self, model_path: Path | str, precision: str = "auto"):
        self.precision = resolve_precision(precision)  # auto, bf16 or fp32, as train.precision
        self.model, self.tokenizer = load_trained(Path(model_path))
        self.model.eval()
        self.id2label = self.model.config.id2label
        self.max_length = position_limit(str(model_path)) or 512

    def _windows(self, words: list[str]) -> list[tuple[int, int]]:
        """(first, end) word ranges whose sub-words fit the model with its two special tokens."""
        word_ids = self.tokenizer(words, is_split_into_words=True, add_special_tokens=False).word_ids()
        pieces = [max(1, word_ids.count(index)) for index in range(len(words))]
        budget = self.max_length - 2
        windows, first, used = [], 0, 0
        for index, count in enumerate(pieces):
            if used + count > budget and index > first:
                windows.append((first, index))
                first, used = index, 0
            used += count
        windows.append((first, len(words)))
        return windows

    def __call__(self, text: str) -> TaggedText:
        words = split_words(text)
        if not words:
            raise PipelineError("no text to tag: the text is empty or only whitespace")
        sub_words, sub_tags, word_tags, word_scores = [], [], [], []
        for first, end in self._windows([word for word, _, _ in words]):
            encoding = self.tokenizer([word for word, _, _ in words[first:end]], is_split_into_words=True,
                                      truncation=True, max_length=self.max_length, return_tensors="pt")
            with torch.inference_mode(), autocast(self.precision):
                probabilities = self.model(**encoding).logits[0].float().softmax(dim=-1)
            scores, labels = probabilities.max(dim=-1)
            previous = None
            for position, word_id in enumerate(encoding.word_ids(0)):
                if word_id is None:
                    continue
                tag = self.id2label[int(labels[position])]
                sub_words.append(self.tokenizer.convert_ids_to_tokens(int(encoding["input_ids"][0, position])))
                sub_tags.append(tag)
                if word_id != previous:  # the first sub-word carries the word's tag
                    word_tags.append(tag)
                    word_scores.append(float(scores[position]))
                previous = word_id
        def entity(entity_type: str, first_word: int, last_word: int) -> Entity:
            start, end = words[first_word][1], words[last_word][2]
            score = sum(word_scores[first_word:last_word + 1]) / (last_word - first_word + 1)
            return Entity(type=entity_type, text=text[start:end], start=start, end=end, score=round(score, 4))

        spans = get_entities(word_tags)
        kept = [(entity_type, trimmed(first, last, [word for word, _, _ in words])) for entity_type, first, last in spans]
        return TaggedText(text=text, tokens=sub_words, tags=sub_tags,
                          entities=[entity(entity_type, *span) for entity_type, span in kept if span],
                          model_entities=[entity(*span) for span in spans])


def tagged_markdown(tagged: TaggedText) -> str:
    table = markdown_table(pd.DataFrame([["tags", *tagged.tags]], columns=["tokens", *tagged.tokens]))
    spans = ", ".join(f"{e.type} \"{e.text}\"" for e in tagged.entities) or "none"
    return f"{table}\nEntities: {spans}\n"

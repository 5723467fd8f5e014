"""Tag schemes read from files, all turned into IOB2: IOB1 and BIOES/IOBES converted, broken IOB2 repaired.

An I-X that continues no X (after O, at a sentence's start, or after another type) breaks IOB2; conlleval and
seqeval's default mode read it as the start of an entity, so it becomes B-X here, and every one is counted.
"""

from __future__ import annotations

from dataclasses import dataclass

from panx_ner.errors import PipelineError

SCHEMES = ("auto", "IOB2", "IOB1", "BIOES")
BIOES_PREFIXES = ("B", "I", "E", "S")


@dataclass
class SchemeReport:
    scheme: str  # what the tags were read as
    detected: bool  # True: found from the tags; False: declared in params (dataset.scheme)
    repaired_inside_tags: int = 0  # IOB2 only: I- tags that started an entity, made B-


def _split(tag: str) -> tuple[str, str]:
    return ("O", "") if tag == "O" else (tag[0], tag[2:])


def detect_scheme(sentences: list[list[str]]) -> str:
    """BIOES where S- or E- tags occur; IOB1 where every entity starts with I- unless it follows one of its own type
    (B- only separates two adjacent entities); IOB2 otherwise (stray I- tags are then IOB2 broken, and repaired)."""
    starts_with_b = starts_with_i = 0
    for tags in sentences:
        previous_type = ""
        for tag in tags:
            prefix, entity = _split(tag)
            if prefix in ("S", "E"):
                return "BIOES"
            if prefix == "B" and previous_type != entity:
                starts_with_b += 1
            elif prefix == "I" and previous_type != entity:
                starts_with_i += 1
            previous_type = entity
    return "IOB1" if starts_with_i and not starts_with_b else "IOB2"


def to_iob2(tags: list[str], scheme: str) -> tuple[list[str], int]:
    """The tags in IOB2, and how many broken IOB2 I- tags were made B- (0 for the other schemes)."""
    converted, repaired, previous_type = [], 0, ""
    for tag in tags:
        prefix, entity = _split(tag)
        if scheme == "BIOES":
            prefix = {"S": "B", "E": "I"}.get(prefix, prefix)
        if prefix == "I" and previous_type != entity:
            prefix = "B"
            repaired += scheme == "IOB2"
        converted.append("O" if prefix == "O" else f"{prefix}-{entity}")
        # BIOES: an entity ends at E-/S-, so an I- after it starts a new one (already B- by the rule above)
        previous_type = "" if prefix == "O" or _split(tag)[0] in ("E", "S") else entity
    return converted, repaired


def check_prefixes(tag: str, scheme: str, where: str) -> None:
    """A tag the scheme cannot have (S-PER in IOB2) is an error naming the file and line (`where`)."""
    prefix, entity = _split(tag)
    allowed = BIOES_PREFIXES if scheme in ("BIOES", "auto") else ("B", "I")
    if tag != "O" and (prefix not in allowed or len(tag) < 3 or tag[1] != "-" or not entity.strip()):
        expected = "O or B-/I-/E-/S- and a type" if scheme in ("BIOES", "auto") else "O or B-/I- and a type"
        raise PipelineError(f"{where}: tag {tag!r} is not a {scheme if scheme != 'auto' else 'IOB2, IOB1 or BIOES'} "
                            f"tag; expected {expected} (e.g. B-PER)")


def normalise(sentences: list[list[str]], declared: str) -> tuple[list[list[str]], SchemeReport]:
    """Every sentence's tags in IOB2, with what was read (`declared`: dataset.scheme, auto detects)."""
    scheme = detect_scheme(sentences) if declared == "auto" else declared
    report = SchemeReport(scheme=scheme, detected=declared == "auto")
    converted = []
    for tags in sentences:
        iob2, repaired = to_iob2(tags, scheme)
        converted.append(iob2)
        report.repaired_inside_tags += repaired
    return converted, report

"""Text that is visibly broken, found before anyone trains on it: words mixing Latin and Cyrillic letters (a file
decoded with the wrong code page: `Erzдhlung`), the replacement character U+FFFD (bytes that were not text),
control characters. Reported, never repaired: docs/sources.md says how to repair a file.
"""

from __future__ import annotations

import unicodedata

EXAMPLES = 5  # words shown per finding and split


def _mixes_latin_and_cyrillic(word: str) -> bool:
    """Latin and Cyrillic letters in one run of letters (`Erzдhlung`); a compound joined by a hyphen or other
    non-letter (`BB&T-центр`) is two runs, as written on purpose."""
    run: set[str] = set()
    for char in word:
        if not char.isalpha():
            if unicodedata.category(char) != "Mn":  # a combining accent stays inside its run
                run = set()
            continue
        name = unicodedata.name(char, "")
        run.add("Latin" if name.startswith("LATIN") else "Cyrillic" if name.startswith("CYRILLIC") else "other")
        if {"Latin", "Cyrillic"} <= run:
            return True
    return False


def word_findings(word: str) -> list[str]:
    """What is wrong with one word: mixed_latin_cyrillic, replacement_character, control_character."""
    findings = []
    if "\ufffd" in word:
        findings.append("replacement_character")
    if any(unicodedata.category(char) == "Cc" for char in word):
        findings.append("control_character")
    if _mixes_latin_and_cyrillic(word):
        findings.append("mixed_latin_cyrillic")
    return findings


def text_findings(sentences) -> dict[str, dict]:
    """Per finding: words affected, and the first few distinct ones (control characters escaped)."""
    report: dict[str, dict] = {}
    cache: dict[str, list[str]] = {}  # words repeat: each distinct one is checked once
    for words in sentences:
        for word in words:
            findings = cache.get(word)
            if findings is None:
                findings = cache[word] = word_findings(word)
            for finding in findings:
                entry = report.setdefault(finding, {"words": 0, "examples": []})
                entry["words"] += 1
                shown = word.encode("unicode_escape").decode() if finding == "control_character" else word
                if len(entry["examples"]) < EXAMPLES and shown not in entry["examples"]:
                    entry["examples"].append(shown)
    return dict(sorted(report.items()))


def warning_lines(language: str, split: str, findings: dict[str, dict]) -> list[str]:
    return [f"warning: {language} {split}: {entry['words']} words with {finding.replace('_', ' ')} "
            f"(e.g. {', '.join(entry['examples'][:3])}); see docs/sources.md" for finding, entry in findings.items()]

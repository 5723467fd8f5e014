"""Tiny real inputs for tests: PAN-X-shaped data in the google/xtreme layout, a SentencePiece tokenizer, a 2-layer XLM-R."""

from __future__ import annotations

import io
import random
import shutil
import subprocess
from pathlib import Path

import yaml
from datasets import Dataset

from panx_ner.tags import PANX

REPO = Path(__file__).resolve().parents[1]
LANGUAGES = ("de", "fr", "it", "en", "nl")  # nl: an evaluation-only (zero-shot) language

# Entities and filler words per language; an entity is a list of words typed PER, ORG or LOC.
_ENTITIES = {
    "PER": [["Anna", "Schmidt"], ["Jean", "Dupont"], ["Marco", "Rossi"], ["John", "Smith"], ["Angela", "Merkel"]],
    "ORG": [["Siemens"], ["Google"], ["Banca", "d'Italia"], ["United", "Nations"], ["Deutsche", "Bahn", "AG"]],
    "LOC": [["Berlin"], ["Paris"], ["Roma"], ["London"], ["Kalifornien"], ["Danziger", "Bucht"]],
}
_FILLER = {
    "de": ["wohnt", "in", "der", "arbeitet", "bei", "und", "ist", "ein", "(", ")", "."],
    "fr": ["habite", "à", "la", "travaille", "chez", "et", "est", "un", "(", ")", "."],
    "it": ["abita", "a", "la", "lavora", "presso", "e", "è", "un", "(", ")", "."],
    "en": ["lives", "in", "the", "works", "for", "and", "is", "a", "(", ")", "."],
    "nl": ["woont", "in", "de", "werkt", "bij", "en", "is", "een", "(", ")", "."],
}


def make_sentence(rng: random.Random, language: str) -> tuple[list[str], list[int]]:
    tokens: list[str] = []
    tags: list[int] = []
    for _ in range(rng.randint(1, 3)):
        for _ in range(rng.randint(1, 3)):
            tokens.append(rng.choice(_FILLER[language]))
            tags.append(PANX.tag2id["O"])
        entity_type = rng.choice(list(_ENTITIES))
        words = rng.choice(_ENTITIES[entity_type])
        for position, word in enumerate(words):
            tokens.append(word)
            tags.append(PANX.tag2id[("B-" if position == 0 else "I-") + entity_type])
    return tokens, tags


def write_tiny_xtreme(folder: Path, rows: dict[str, int] | None = None, seed: int = 0) -> Path:
    """PAN-X.<lang>/<split>-00000-of-00001.parquet for de/fr/it/en/nl, with the real dataset's features."""
    rows = rows or {"train": 60, "validation": 30, "test": 30}
    rng = random.Random(seed)
    for language in LANGUAGES:
        config = folder / f"PAN-X.{language}"
        config.mkdir(parents=True, exist_ok=True)
        for split, count in rows.items():
            sentences = [make_sentence(rng, language) for _ in range(count)]
            dataset = Dataset.from_dict(
                {
                    "tokens": [tokens for tokens, _ in sentences],
                    "ner_tags": [tags for _, tags in sentences],
                    "langs": [[language] * len(tokens) for tokens, _ in sentences],
                },
                features=PANX.features(),
            )
            dataset.to_parquet(str(config / f"{split}-00000-of-00001.parquet"))
    return folder


def build_tiny_tokenizer(folder: Path):
    """A SentencePiece unigram model trained on the tiny vocabulary, wrapped as an XLM-R fast tokenizer."""
    import sentencepiece as spm
    from transformers import XLMRobertaTokenizer

    rng = random.Random(1)
    sentences = [" ".join(make_sentence(rng, language)[0]) for language in LANGUAGES for _ in range(50)]
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences), model_writer=model, vocab_size=80, model_type="unigram",
        character_coverage=1.0, hard_vocab_limit=False, minloglevel=2)
    processor = spm.SentencePieceProcessor(model_proto=model.getvalue())
    pieces = [(processor.id_to_piece(i), processor.get_score(i)) for i in range(processor.get_piece_size())
              if not (processor.is_control(i) or processor.is_unknown(i))]
    vocab = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), *pieces, ("<mask>", 0.0)]
    tokenizer = XLMRobertaTokenizer(vocab=vocab)
    tokenizer.save_pretrained(str(folder))
    return tokenizer


def build_tiny_model(folder: Path) -> Path:
    """A randomly initialised 2-layer XLM-R encoder with the tiny tokenizer, saved like a Hub checkpoint."""
    import torch
    from transformers import XLMRobertaConfig, XLMRobertaModel

    tokenizer = build_tiny_tokenizer(folder)
    config = XLMRobertaConfig(
        vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=130, pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id)
    torch.manual_seed(0)
    XLMRobertaModel(config).save_pretrained(str(folder))
    return folder


PROJECT_FILES = ("dvc.yaml", "params.yaml", "stages", "panx_ner", "data/hub-source.txt", ".gitignore")


def tiny_params(dataset: Path, model: Path) -> dict:
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params["dataset"].update(source=str(dataset), tracked=str(dataset))
    params["model"].update(checkpoint=str(model), tracked=str(model), max_length=128)
    params["languages"] = {"de": 0.5, "fr": 0.5, "it": 0.5, "en": 0.5}
    params["zero_shot_languages"] = {"nl": 0.5}
    # three models of the study's six: one language (de, the error report's and the curve's zero-shot line), the
    # smallest (en) and the concatenation of all four (all); each strategy more costs every DVC test a model
    params["strategies"] = {"de": ["de"], "en": ["en"], "all": ["de", "fr", "it", "en"]}
    params["train"].update(epochs=3, batch_size=4, eval_batch_size=16, learning_rate=5e-3)
    params["learning_curve"]["sizes"] = [10, 20]
    params["out_of_domain"] = {"sentences": 12, "sets": {}}  # make_project adds a set inside the project
    return params


def make_project(root: Path, dataset: Path, model: Path) -> Path:
    """A git + DVC copy of the project in `root`, pointed at the tiny dataset and model."""
    root.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = REPO / name
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    params = tiny_params(dataset, model)
    write_news_corpus(root / "news")  # an out-of-domain test set, in the project so that copies keep it
    params["out_of_domain"]["sets"] = {"news": {"folder": "news", "languages": ["fr", "en"]}}
    (root / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    run(["git", "init", "-q"], root)
    run(["git", "config", "user.email", "tests@example.com"], root)
    run(["git", "config", "user.name", "tests"], root)
    run(["dvc", "init", "-q"], root)
    shutil.copy2(REPO / ".dvc" / "config", root / ".dvc" / "config")  # the shipped default remote
    shutil.copytree(REPO / ".dvc" / "plots", root / ".dvc" / "plots")  # the plot templates dvc.yaml names
    shutil.copy2(REPO / ".dvcignore", root / ".dvcignore")
    run(["dvc", "config", "core.autostage", "true"], root)
    run(["git", "add", "-A"], root)
    run(["git", "commit", "-qm", "project"], root)  # as a clone has: DVCLive reads the git revision it trains at
    return root


def copy_project(source: Path, target: Path) -> Path:
    """An independent copy of a project (git history, DVC cache and workspace) for tests that change it."""
    shutil.copytree(source, target, symlinks=True)
    return target


def run(command: list[str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


# A team's own corpus: PAN-X's three types and two it does not have, as CoNLL-2003 lays them out.
OWN_ENTITIES = {**_ENTITIES, "DATE": [["Montag"], ["im", "Mai"], ["Juni", "2020"]],
                "PRODUCT": [["Golf"], ["Galaxy", "Note"], ["Kindle"]]}
OWN_TAGS = ("O", "B-DATE", "I-DATE", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-PER", "I-PER", "B-PRODUCT", "I-PRODUCT")


def own_sentence(rng: random.Random) -> tuple[list[str], list[str]]:
    tokens: list[str] = []
    tags: list[str] = []
    for _ in range(rng.randint(1, 3)):
        for _ in range(rng.randint(1, 2)):
            tokens.append(rng.choice(_FILLER["en"]))
            tags.append("O")
        entity_type = rng.choice(list(OWN_ENTITIES))
        for position, word in enumerate(rng.choice(OWN_ENTITIES[entity_type])):
            tokens.append(word)
            tags.append(("B-" if position == 0 else "I-") + entity_type)
    return tokens, tags


def write_own_corpus(folder: Path, rows: dict[str, int] | None = None, broken: int = 3, seed: int = 0) -> Path:
    """<folder>/en/{train,dev,test}.conll in CoNLL-2003's layout (`word POS chunk tag`, space-separated, -DOCSTART-
    lines), five entity types, and `broken` train entities that start with I- (broken IOB2, as in the real files)."""
    rows = rows or {"train": 80, "dev": 30, "test": 30}
    rng = random.Random(seed)
    language = folder / "en"
    language.mkdir(parents=True, exist_ok=True)
    for split, count in rows.items():
        lines = ["-DOCSTART- -X- -X- O", ""]
        for number in range(count):
            tokens, tags = own_sentence(rng)
            if split == "train" and number < broken:
                start = next(i for i, tag in enumerate(tags) if tag.startswith("B-"))
                tags[start] = "I-" + tags[start][2:]
            lines += [f"{token} NN I-NP {tag}" for token, tag in zip(tokens, tags)] + [""]
        (language / f"{split}.conll").write_text("\n".join(lines))
    return folder


def own_corpus_params(project: Path, corpus: Path) -> None:
    """params.yaml of `project` pointed at the own corpus: one language, one strategy, the smallest curve."""
    params = yaml.safe_load((project / "params.yaml").read_text())
    params["dataset"].update(source=str(corpus), tracked=str(corpus), tags="auto", scheme="auto")
    params["languages"] = {"en": 1.0}
    params["zero_shot_languages"] = {}
    params["strategies"] = {"en": ["en"]}
    params["learning_curve"].update(language="en", sizes=[20], zero_shot_strategy="en")
    params["error_report"].update(strategy="en", language="en")
    params["examples"] = {"en": "Anna Schmidt works for Siemens and is a Galaxy Note in Berlin im Mai"}
    params["out_of_domain"]["sets"] = {}  # no set: the out-of-domain stages' matrices are empty
    (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))


# Out-of-domain text: PAN-X's types and MISC, in WikiNEuRal's layout (`index<TAB>word<TAB>tag`).
MISC = [["Tour", "de", "France"], ["Euro"], ["Olympische", "Spiele"]]


def write_news_corpus(folder: Path, languages=("fr", "en"), rows: int = 20, seed: int = 1) -> Path:
    """<folder>/<lang>/test.conllu for each language: sentences with PER, ORG, LOC and MISC entities."""
    rng = random.Random(seed)
    entities = {**_ENTITIES, "MISC": MISC}
    for language in languages:
        lines = []
        for _ in range(rows):
            words: list[tuple[str, str]] = []
            for _ in range(rng.randint(1, 3)):
                words.append((rng.choice(_FILLER[language]), "O"))
                entity_type = rng.choice(list(entities))
                words += [(word, ("B-" if i == 0 else "I-") + entity_type)
                          for i, word in enumerate(rng.choice(entities[entity_type]))]
            lines += [f"{i}\t{word}\t{tag}" for i, (word, tag) in enumerate(words)] + [""]
        (folder / language).mkdir(parents=True, exist_ok=True)
        (folder / language / "test.conllu").write_text("\n".join(lines))
    return folder

"""Loading base checkpoints and trained models, and saving trained models so that their bytes depend on the
weights alone (not on the environment they were saved in)."""

from __future__ import annotations

import json
from pathlib import Path

from panx_ner.errors import PipelineError
from panx_ner.hub import ensure_hub_reachable, is_local_path
from panx_ner.tags import TagSet

LOCAL_MODEL_EXAMPLE = "../shared/models/multilingual-e5-small"
# Keys that transformers copies from the loading call into saved configs: HF_HUB_OFFLINE=1, for one, records
# "local_files_only": true. They say how a file was loaded, not what the model is, and would give the same weights
# a different DVC hash on another machine.
LOAD_TIME_KEYS = ("local_files_only", "cache_dir", "force_download", "token", "revision", "trust_remote_code")
SAVED_CONFIGS = ("tokenizer_config.json", "config.json", "special_tokens_map.json", "generation_config.json")


def check_checkpoint_source(checkpoint: str) -> None:
    if not is_local_path(checkpoint):
        ensure_hub_reachable(checkpoint, "model.checkpoint", LOCAL_MODEL_EXAMPLE)
    elif not Path(checkpoint).is_dir():
        raise PipelineError(f"model.checkpoint: folder {checkpoint!r} does not exist")


def load_tokenizer(checkpoint: str):
    from transformers import AutoTokenizer

    check_checkpoint_source(checkpoint)
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    if not tokenizer.is_fast:
        raise PipelineError(f"model.checkpoint: {checkpoint!r} has no fast tokenizer; word_ids() needs one")
    return tokenizer


WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin")
TOKENIZER_FILES = ("tokenizer.json", "sentencepiece.bpe.model", "tokenizer.model")


def check_trained(model_path: Path) -> Path:
    """One-line errors for a folder that is not a model this pipeline fine-tuned (no config, weights or tokenizer,
    or labels other than the PAN-X tags); reads the config alone, not the weights."""
    folder = Path(model_path)
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.is_file() else "does not exist"
        raise PipelineError(f"model folder {folder} {what}; train it first (dvc repro) or give a model folder")
    if not (folder / "config.json").is_file():
        raise PipelineError(f"{folder} has no config.json: not a saved model folder (train it with dvc repro)")
    if not any((folder / name).is_file() for name in WEIGHT_FILES):
        raise PipelineError(f"{folder} has no weights ({' or '.join(WEIGHT_FILES)}); fetch them with dvc pull "
                            f"or retrain with dvc repro")
    if not any((folder / name).is_file() for name in TOKENIZER_FILES):
        raise PipelineError(f"{folder} has no tokenizer ({' or '.join(TOKENIZER_FILES)}); save the tokenizer "
                            f"beside the model")
    try:
        labels = list((json.loads((folder / "config.json").read_text()).get("id2label") or {}).values())
    except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
        raise PipelineError(f"{folder}/config.json is not a model config (JSON with id2label)") from None
    try:
        TagSet(tuple(labels))
    except PipelineError as error:
        raise PipelineError(f"{folder} predicts {labels}, not an IOB2 tag set ({error}): it was not fine-tuned by "
                            f"this pipeline") from None
    return folder


def trained_tag_set(model_path: Path) -> TagSet:
    """The tag set a fine-tuned model predicts: its config's id2label, in id order."""
    folder = check_trained(model_path)
    return TagSet.from_id2label(json.loads((folder / "config.json").read_text())["id2label"])


def load_trained(model_path: Path):
    """A fine-tuned model folder (models/<name>) and its tokenizer; one-line errors for folders that are not one."""
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    folder = check_trained(model_path)
    model = AutoModelForTokenClassification.from_pretrained(folder)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    return model, tokenizer


def drop_load_time_keys(folder: Path) -> None:
    """Removes LOAD_TIME_KEYS from the JSON configs that save_pretrained wrote into `folder`, and writes every
    config the same way whether or not a key was removed (so the bytes cannot tell the two cases apart)."""
    for name in SAVED_CONFIGS:
        path = Path(folder) / name
        if not path.is_file():
            continue
        config = json.loads(path.read_text())
        if isinstance(config, dict):
            config = {key: value for key, value in config.items() if key not in LOAD_TIME_KEYS}
        path.write_text(json.dumps(config, indent=2, sort_keys=True, ensure_ascii=False) + "\n")

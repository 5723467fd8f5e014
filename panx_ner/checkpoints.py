"""Loading base checkpoints and trained models, and saving trained models so that their bytes depend on the
weights alone (not on the environment they were saved in)."""

from __future__ import annotations

import json
from pathlib import Path

from panx_ner.errors import PipelineError
from panx_ner.hub import ensure_hub_reachable, is_local_path

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


def load_trained(model_path: Path):
    """A fine-tuned model folder (models/<name>) and its tokenizer."""
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    if not (Path(model_path) / "config.json").is_file():
        raise PipelineError(f"no trained model in {model_path}; run its train stage first (dvc repro)")
    model = AutoModelForTokenClassification.from_pretrained(model_path)
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    return model, tokenizer


def drop_load_time_keys(folder: Path) -> None:
    """Removes LOAD_TIME_KEYS from the JSON configs that save_pretrained wrote into `folder`."""
    for name in SAVED_CONFIGS:
        path = Path(folder) / name
        if not path.is_file():
            continue
        config = json.loads(path.read_text())
        if isinstance(config, dict) and any(key in config for key in LOAD_TIME_KEYS):
            kept = {key: value for key, value in config.items() if key not in LOAD_TIME_KEYS}
            path.write_text(json.dumps(kept, indent=2, sort_keys=True, ensure_ascii=False) + "\n")

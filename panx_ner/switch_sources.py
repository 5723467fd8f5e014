"""Points every source in params.yaml at the Hugging Face Hub, or back at the offline copies the repository ships with:

    python -m panx_ner.switch_sources hub       # google/xtreme and xlm-roberta-base, the book's own data and model
    python -m panx_ner.switch_sources offline   # ../shared/xtreme and ../shared/models/multilingual-e5-small

A source is more than one key: the dataset and the model, what DVC hashes for each (the folder, or the placeholder
data/hub-source.txt for a Hub id, which DVC cannot hash), the Hub revision that pins the dataset, and what the
model cards name as the base model and its license. `hub` also sets the book's learning rate for xlm-roberta-base
(5e-5; 2e-4 is tuned for the stand-in). Only these values change; comments and everything else in params.yaml
stay as they are, so switching back gives the file the repository shipped.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from panx_ner.cli import run_main
from panx_ner.errors import PipelineError
from panx_ner.params import HUB_PLACEHOLDER, PARAMS_FILE, parse_params

OFFLINE_DATA, OFFLINE_MODEL = "../shared/xtreme", "../shared/models/multilingual-e5-small"
# each key's value as YAML text, written into params.yaml as it stands
SOURCES = {
    "hub": {
        ("dataset", "source"): "google/xtreme", ("dataset", "revision"): "main", ("dataset", "tracked"): HUB_PLACEHOLDER,
        ("model", "checkpoint"): "xlm-roberta-base", ("model", "tracked"): HUB_PLACEHOLDER,
        ("train", "learning_rate"): "5.0e-5",
        ("release", "base_model"): "FacebookAI/xlm-roberta-base", ("release", "license"): "mit",
    },
    "offline": {
        ("dataset", "source"): OFFLINE_DATA, ("dataset", "revision"): "null", ("dataset", "tracked"): OFFLINE_DATA,
        ("model", "checkpoint"): OFFLINE_MODEL, ("model", "tracked"): OFFLINE_MODEL,
        ("train", "learning_rate"): "2.0e-4",
        ("release", "base_model"): "intfloat/multilingual-e5-small", ("release", "license"): "mit",
    },
}
KEY_LINE = re.compile(r"(?P<head>\s+(?P<key>\w+):\s*)(?P<value>[^#\s][^#]*?|)(?P<gap>\s*)(?P<comment>#.*)?")


def switched(text: str, sources: str) -> str:
    """params.yaml's text with the source keys set for `sources`: only those values change, each comment stays in its
    column, so switching back gives the text that was there."""
    lines, section, done = text.splitlines(keepends=True), None, set()
    for number, line in enumerate(lines):
        if line[:1].isalpha():  # a section's first line: `train:`
            section = line.split(":")[0]
            continue
        match = KEY_LINE.fullmatch(line.rstrip("\n"))
        if not match or (section, match["key"]) not in SOURCES[sources]:
            continue
        value = SOURCES[sources][section, match["key"]]
        head, comment = match["head"], match["comment"]
        if comment:
            column = len(head) + len(match["value"]) + len(match["gap"])  # where the comment starts
            rest = " " * max(1, column - len(head) - len(value)) + comment
        else:
            rest = ""
        lines[number] = head + value + rest + "\n"
        done.add((section, match["key"]))
    missing = [f"{section}.{key}" for section, key in SOURCES[sources] if (section, key) not in done]
    if missing:
        raise PipelineError(f"{PARAMS_FILE}: no {', '.join(missing)} line to set; expected every source key written "
                            f"as `key: value` in its section")
    return "".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sources", choices=sorted(SOURCES), help="where the dataset and the model come from")
    args = parser.parse_args()
    import yaml

    text = switched(PARAMS_FILE.read_text(), args.sources)
    # the keys' values only, not the sources' reachability or existence: those are the stages' to check
    parse_params(yaml.safe_load(text), checks=())
    PARAMS_FILE.write_text(text)
    changed = ", ".join(f"{section}.{key}" for section, key in SOURCES[args.sources])
    print(f"{PARAMS_FILE}: {changed} set for the {args.sources} sources; `dvc repro` runs the study with them")
    if args.sources == "hub" and not Path(HUB_PLACEHOLDER).is_file():
        print(f"note: {HUB_PLACEHOLDER}, which DVC hashes for a Hub source, is missing: `git checkout {HUB_PLACEHOLDER}`")


if __name__ == "__main__":
    run_main(main)

"""Every strategy's released model as a DVC artifact: the `artifacts:` section of dvc.yaml, written from params.yaml
and metrics/f1.json.

    python -m panx_ner.registry           # rewrites the section after a change of strategies or a new run
    python -m panx_ner.registry --check   # exit 2 with one line per problem where the section is not what it
                                          # would write (tests/test_registry.py runs it)

DVC has no foreach for artifacts, so the section is generated, between two marker lines, like the tables that
explosion/projects generate into their READMEs. An artifact `ner-<strategy>` is the folder release/<strategy> that
the release stage writes (model, tokenizer and model card), with the base model, its languages and the test F1 of
each of its own languages as meta. A teammate fetches one without a clone:

    dvc artifacts get <repo-url> ner-de --rev v1.0.0      # a version registered with gto (a git tag)
    dvc get <repo-url> release/de                          # the folder as of the default branch
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import yaml

from panx_ner.artifacts import release_dir
from panx_ner.cli import run_main
from panx_ner.errors import PipelineError
from panx_ner.dataset_layout import corpus_name
from panx_ner.params import load_params
from panx_ner.tags import load_tag_set

DVC_YAML = Path("dvc.yaml")
F1_JSON = Path("metrics/f1.json")
BEGIN = "# >>> artifacts: written by `python -m panx_ner.registry` from params.yaml and metrics/f1.json; do not edit"
END = "# <<< artifacts"
ARTIFACT_NAME = re.compile(r"[a-z0-9]([a-z0-9-/]*[a-z0-9])?")  # what DVC accepts as an artifact name


def artifact_name(strategy: str) -> str:
    """ner-<strategy> in the letters DVC allows in an artifact name (lower case, digits, '-')."""
    return "ner-" + re.sub(r"[^a-z0-9]+", "-", strategy.lower()).strip("-")


def artifacts(params, f1: dict) -> dict:
    """The artifacts section for these params and this run's F1 table (the mean over its seeds), naming the corpus
    and the entity types of data/tags.json."""
    corpus, types = corpus_name(params.dataset.source), ", ".join(load_tag_set().entity_types)
    names: dict[str, str] = {}
    section = {}
    for strategy, languages in params.strategies.items():
        name = artifact_name(strategy)
        if name in names or not ARTIFACT_NAME.fullmatch(name):
            raise PipelineError(f"strategies.{strategy}: its artifact name {name!r} "
                                + (f"is also {names[name]!r}'s" if name in names else "is not one DVC accepts")
                                + "; expected strategy names that differ in letters or digits")
        names[name] = strategy
        section[name] = {
            "path": str(release_dir(strategy)),
            "type": "model",
            "desc": f"{params.release.base_model} fine-tuned for {corpus} named entity recognition ({types}) on "
                    f"{'+'.join(languages)}, with its model card",
            "labels": ["ner", corpus.lower(), "token-classification", *languages],
            "meta": {"strategy": strategy, "base_model": params.release.base_model, "languages": list(languages),
                     "seed": params.released_seed,
                     "test_f1": {language: f1[strategy][language]["mean"] for language in languages
                                 if strategy in f1 and language in f1[strategy]}},
        }
    return section


def render(section: dict) -> str:
    return f"{BEGIN}\n" + yaml.safe_dump({"artifacts": section}, sort_keys=False, allow_unicode=True) + f"{END}\n"


def with_section(dvc_yaml: str, section: dict) -> str:
    """dvc.yaml's text with the generated block replaced (or appended, the first time)."""
    block = render(section)
    if BEGIN in dvc_yaml and END in dvc_yaml:
        start, stop = dvc_yaml.index(BEGIN), dvc_yaml.index(END) + len(END) + 1
        return dvc_yaml[:start] + block + dvc_yaml[stop:]
    return dvc_yaml.rstrip("\n") + "\n\n" + block


def problems(dvc_yaml: str, params, f1: dict) -> list[str]:
    """Where dvc.yaml's artifacts differ from what the params and run give: a strategy without an artifact, an
    artifact without a strategy or at a path no stage writes, stale meta."""
    tree = yaml.safe_load(dvc_yaml)
    declared, expected = tree.get("artifacts") or {}, artifacts(params, f1)
    written = {str(release_dir(strategy)) for strategy in params.strategies}  # release@<strategy> writes these
    found = [f"artifact {name!r} for strategy {entry['meta']['strategy']!r} is missing from dvc.yaml"
             for name, entry in expected.items() if name not in declared]
    found += [f"artifact {name!r} is at {entry.get('path')!r}, which no stage writes (release/<strategy> of "
              f"params.yaml strategies)" for name, entry in declared.items() if entry.get("path") not in written]
    found += [f"artifact {name!r} has no strategy in params.yaml" for name in declared if name not in expected]
    found += [f"artifact {name!r} differs from what params.yaml and {F1_JSON} give (its meta or description)"
              for name, entry in expected.items() if name in declared and declared[name] != entry]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check the section; exit 2 where it is stale")
    args = parser.parse_args()
    params = load_params()
    f1 = json.loads(F1_JSON.read_text()) if F1_JSON.is_file() else {}
    text = DVC_YAML.read_text()
    if args.check:
        found = problems(text, params, f1)
        if found:
            raise PipelineError("\n".join(f"{DVC_YAML}: {problem}; run python -m panx_ner.registry" for problem in found))
        print(f"{DVC_YAML}: {len(params.strategies)} artifacts, as params.yaml and {F1_JSON} give them")
        return
    DVC_YAML.write_text(with_section(text, artifacts(params, f1)))
    print(f"{DVC_YAML}: artifacts {', '.join(artifact_name(strategy) for strategy in params.strategies)}")


if __name__ == "__main__":
    run_main(main)

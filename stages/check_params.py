"""Stage check_params: validates params.yaml and the dataset's files, and decides the corpus's tag set, before any
other stage runs -> data/params-checked.txt, data/tags.json.

`dvc repro` removes a stage's outputs before it runs the stage's command, so a check inside each stage would come
after a trained model was already deleted. Every other stage depends on this stage's outputs, so DVC runs it first
and stops at a bad value with every existing output in place. It also depends on the dataset source (its `tracked`
path), so a changed dataset folder is checked here too: split files that do not form one complete set of shards, or
a test file with a tag the train files do not have, stop the run before the download stages remove anything.

The tag set (panx_ner/sources.decide_tag_set: dataset.tags, else the data's ClassLabel names, else the tags of the
CoNLL train files) is written to data/tags.json, which git tracks and every later stage reads. Neither output
changes while params and data keep their meaning, so a params change reruns only the stages that read it.
"""

from pathlib import Path

from panx_ner.artifacts import PARAMS_CHECKED, write_text
from panx_ner.cli import run_main
from panx_ner.dataset_layout import layout_problems
from panx_ner.errors import PipelineError
from panx_ner.hub import is_local_path
from panx_ner.out_of_domain import set_split_file
from panx_ner.params import load_params
from panx_ner.sources import decide_tag_set
from panx_ner.tags import TAG_SET_FILE, write_tag_set


def main() -> None:
    params = load_params()
    splits = {language: params.splits(language) for language in params.test_languages}
    if is_local_path(params.dataset.source):
        problems = layout_problems(params.dataset.source, splits)
        if problems:
            raise PipelineError("\n".join(problems))
    tag_set, origin = decide_tag_set(params.dataset.source, params.dataset.revision, splits, list(params.languages),
                                     params.dataset.tags, params.dataset.scheme)
    for test_set in params.out_of_domain.sets.values():
        for language in test_set.languages:
            set_split_file(Path(test_set.folder), language, test_set.split)
    write_tag_set(tag_set, origin)
    write_text(PARAMS_CHECKED, "params.yaml passed validation (stages/check_params.py)\n")
    print(f"{TAG_SET_FILE}: {', '.join(tag_set.tags)} ({origin})")


if __name__ == "__main__":
    run_main(main)

"""Stage check_params: validates params.yaml and the dataset folder's files before any other stage runs
-> data/params-checked.txt.

`dvc repro` removes a stage's outputs before it runs the stage's command, so a check inside each stage would come
after a trained model was already deleted. Every other stage depends on this stage's output, so DVC runs it first
and stops at a bad value with every existing output in place. It also depends on the dataset source (its `tracked`
path), so a changed dataset folder is checked here too: split files that do not form one complete set of shards
stop the run before the download stages remove anything. Its output never changes (so a params change reruns only
the stages that read the changed params) and it records nothing but that the check passed.
"""

from panx_ner.artifacts import PARAMS_CHECKED, write_text
from panx_ner.cli import run_main
from panx_ner.dataset_layout import layout_problems
from panx_ner.errors import PipelineError
from panx_ner.hub import is_local_path
from panx_ner.params import load_params


def main() -> None:
    params = load_params()
    if is_local_path(params.dataset.source):
        problems = layout_problems(params.dataset.source, {language: params.splits(language)
                                                           for language in params.test_languages})
        if problems:
            raise PipelineError("\n".join(problems))
    write_text(PARAMS_CHECKED, "params.yaml passed validation (stages/check_params.py)\n")


if __name__ == "__main__":
    run_main(main)

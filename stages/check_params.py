"""Stage check_params: validates params.yaml before any other stage runs -> data/params-checked.txt.

`dvc repro` removes a stage's outputs before it runs the stage's command, so a check inside each stage would come
after a trained model was already deleted. Every other stage depends on this stage's output, so DVC runs it first
and stops at a bad value with every existing output in place. Its output never changes (so a params change reruns
only the stages that read the changed params) and it records nothing but that the check passed.
"""

from panx_ner.artifacts import PARAMS_CHECKED, write_text
from panx_ner.cli import run_main
from panx_ner.params import load_params


def main() -> None:
    load_params()
    write_text(PARAMS_CHECKED, "params.yaml passed validation (stages/check_params.py)\n")


if __name__ == "__main__":
    run_main(main)

"""Stage prepare_zero_shot: an evaluation-only language's test split downloaded, sampled and encoded in one process,
by the download, sample and encode stages' own code -> data/raw/<lang>, data/corpus/<lang>, data/encoded/<lang>.

    python -m stages.prepare_zero_shot nl

Why one stage and not three: each of the three is a few seconds of work on 200 sentences, and as DVC stages each
paid about 2.4 s of DVC and 1-2 s of Python start-up besides, so the twelve evaluation-only languages took 36
stages. Splitting them bought nothing worth that: a changed fraction or model reruns this stage, whose download
costs about a second.
"""

from panx_ner.cli import parse_language, run_main
from panx_ner.errors import PipelineError
from panx_ner.params import load_params
from stages.download import download
from stages.encode import encode
from stages.sample import sample


def main() -> None:
    language = parse_language(__doc__)
    params = load_params()
    if language not in params.zero_shot_languages:
        raise PipelineError(f"language {language!r} is not in zero_shot_languages of params.yaml "
                            f"({', '.join(params.zero_shot_languages) or 'none'}); trained-on languages go through "
                            f"the download, sample and encode stages")
    download(params, language)
    sample(params, language)
    encode(params, language)


if __name__ == "__main__":
    run_main(main)

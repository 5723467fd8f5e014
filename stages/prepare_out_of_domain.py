"""Stage prepare_out_of_domain: one out-of-domain test set read, drawn and encoded -> data/out_of_domain/<set>/
(<lang>/test.parquet per language, tags.json: the set's tag set, report.json: what the reader decided and found).

    python -m stages.prepare_out_of_domain conll

The set is out_of_domain.sets.<set> in params.yaml. Printed: per file its columns, scheme and repaired I- tags, the
sentences drawn, and a warning for text that is visibly broken.
"""

from panx_ner.checkpoints import load_tokenizer
from panx_ner.cli import parse_language, run_main
from panx_ner.conll import ReaderReport
from panx_ner.errors import PipelineError
from panx_ner.out_of_domain import prepare_set, set_dir
from panx_ner.params import load_params
from panx_ner.text_checks import warning_lines


def main() -> None:
    name = parse_language(__doc__)  # the one positional argument: here a set's name
    params = load_params()
    sets = params.out_of_domain.sets
    if name not in sets:
        raise PipelineError(f"out-of-domain set {name!r} is not in out_of_domain.sets of params.yaml "
                            f"({', '.join(sets) or 'none'})")
    test_set = sets[name]
    report = prepare_set(name, test_set.folder, test_set.languages, test_set.split, test_set.scheme,
                         params.out_of_domain.sentences, params.sample_seed, load_tokenizer(params.model.checkpoint),
                         params.model.max_length)
    print(f"{set_dir(name)}: tags {', '.join(report['tags'])}")
    for language, found in report["languages"].items():
        print(f"  {language}: {found['drawn']} of {found['sentences']} sentences drawn, "
              f"{found['pieces_per_word']} pieces per word; {ReaderReport.from_dict(found['reader']).line()}")
        for line in warning_lines(f"{name}/{language}", test_set.split, found["text"]):
            print(line)


if __name__ == "__main__":
    run_main(main)

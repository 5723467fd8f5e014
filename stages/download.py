"""Stage download: one language's splits from the Hub or a local folder -> data/raw/<lang>/<split>.parquet, and what
the reader decided and found -> data/reader/<lang>.json.

The language is one of `languages` (all three splits) or `zero_shot_languages` (its test split: see
stages/prepare_zero_shot.py) in params.yaml. The tag set is data/tags.json's (check_params decides it). Printed: per
CoNLL file its columns, scheme and repaired I- tags; per split a warning for text that is visibly broken.
"""

from panx_ner.artifacts import DROPPED_FILE, atomic_path, raw_dir, reader_file, split_file, write_json
from panx_ner.cli import parse_language, run_main
from panx_ner.conll import ReaderReport
from panx_ner.params import Params, load_params
from panx_ner.sources import load_corpus
from panx_ner.tags import load_tag_set
from panx_ner.text_checks import text_findings, warning_lines


def download(params: Params, language: str) -> None:
    splits = params.splits(language)
    tag_set = load_tag_set()
    dataset, empty_sentences, reports = load_corpus(params.dataset.source, language, params.dataset.revision,
                                                    tag_set, params.dataset.scheme, splits)
    findings = {split: text_findings(dataset[split]["tokens"]) for split in splits}
    with atomic_path(raw_dir(language)) as folder:
        folder.mkdir()
        for split in splits:
            dataset[split].to_parquet(split_file(folder, split))
        write_json(folder / DROPPED_FILE, {"empty_sentences": empty_sentences})
    write_json(reader_file(language), {split: {"reader": reports[split], "text": findings[split]} for split in splits})
    print(f"download {language}: " + ", ".join(f"{s} {dataset[s].num_rows}" for s in splits)
          + f" (empty sentences dropped: {sum(empty_sentences.values())})")
    for split in splits:
        if reports[split]["format"] == "conll":
            report = dict(reports[split])
            del report["format"]
            print(f"  {split}: {ReaderReport.from_dict(report).line()}")
        for line in warning_lines(language, split, findings[split]):
            print(line)


def main() -> None:
    language = parse_language(__doc__)
    params = load_params()
    download(params, params.check_language(language))


if __name__ == "__main__":
    run_main(main)

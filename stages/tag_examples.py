"""Stage tag_examples: the example sentence of each language tagged by every strategy's model (its first seed's)
-> metrics/examples.md."""

from panx_ner.artifacts import METRICS, model_dir, write_text
from panx_ner.cli import run_main
from panx_ner.params import load_params
from panx_ner.tagging import Tagger, tagged_markdown

EXAMPLES = METRICS / "examples.md"


def main() -> None:
    params = load_params()
    parts = ["# The example sentence, tagged by every strategy's model\n"]
    for strategy, languages in params.strategies.items():
        tagger = Tagger(model_dir(strategy, params.released_seed), params.train.precision)
        parts.append(f"## Strategy `{strategy}` (trained on {'+'.join(languages)})\n")
        for language, sentence in params.examples.items():
            parts.append(f"### {language}: {sentence}\n")
            parts.append(tagged_markdown(tagger(sentence)))
    write_text(EXAMPLES, "\n".join(parts))
    print(EXAMPLES.read_text())


if __name__ == "__main__":
    run_main(main)

"""Stage error_report: what one model gets wrong on one split -> data/error_report/ (report.md first).

The model is the strategy's first-seed model (train.seeds). Per-token losses, the tokens and labels with the
highest loss, the normalised confusion matrix, the sentences with the highest total loss, sentences containing a
chosen token, and gold entities the model confidently types otherwise (likely annotation errors: PAN-X is
silver-standard).
"""

import time

from panx_ner.artifacts import ERROR_REPORT, atomic_path, encoded_dir, load_split, model_dir
from panx_ner.cli import run_main
from panx_ner.error_analysis import (
    analyse_sentences,
    confusion,
    hardest_sentences,
    labelled_tokens,
    loss_summary,
    sentences_with_token,
    suspect_annotations,
)
from panx_ner.checkpoints import load_trained
from panx_ner.inference import predict_label_ids
from panx_ner.precision import resolve_precision
from panx_ner.params import load_params
from panx_ner.report import CONFUSION_PAIRS, plot_confusion, render_error_report
from panx_ner.scoring import align_predictions, ner_scores
from panx_ner.tags import TagSet


def main() -> None:
    params = load_params()
    settings = params.error_report
    params.check_strategy(settings.strategy)
    params.check_language(settings.language)
    started = time.perf_counter()
    model, tokenizer = load_trained(model_dir(settings.strategy, params.released_seed))
    dataset = load_split(encoded_dir(settings.language), settings.split)
    input_ids, labels = list(dataset["input_ids"]), list(dataset["labels"])
    logits = predict_label_ids(model, input_ids, params.evaluate.batch_size, tokenizer.pad_token_id, with_logits=True,
                               precision=resolve_precision(params.train.precision))
    tag_set = TagSet.from_id2label(model.config.id2label)
    analysis = analyse_sentences(logits, input_ids, labels, tokenizer.convert_ids_to_tokens, tag_set)
    tokens = labelled_tokens(analysis)
    predicted_tags, gold_tags = align_predictions([l.argmax(-1) for l in logits], labels, tag_set)
    sections = {
        "scores": ner_scores(gold_tags, predicted_tags, tag_set.entity_types),
        "top_tokens": loss_summary(tokens, "token", "sum", settings.top_tokens),
        "label_losses": loss_summary(tokens, "label", "mean"),
        "confusion": confusion(tokens, tag_set),
        "hardest": hardest_sentences(analysis, settings.top_sentences),
        "with_token": sentences_with_token(analysis, settings.token, settings.top_sentences),
        "suspects": suspect_annotations(analysis, settings.suspect_confidence, settings.top_suspects),
    }
    with atomic_path(ERROR_REPORT) as folder:  # DVC-cached; summarize publishes the small files to metrics/errors
        folder.mkdir()
        sections["top_tokens"].to_csv(folder / "top_tokens.csv")
        sections["label_losses"].to_csv(folder / "label_losses.csv")
        sections["confusion"].to_csv(folder / "confusion_normalized.csv")
        sections["suspects"].to_csv(folder / "suspect_labels.csv", index=False)
        plot_confusion(sections["confusion"], folder / "confusion.png",
                       f"{settings.strategy} model on {settings.language} {settings.split}")
        (folder / "report.md").write_text(render_error_report(settings, sections, len(tokens)))
        tokens[["label", "predicted"]].rename(columns={"label": "actual"}).to_csv(folder / CONFUSION_PAIRS, index=False)
    print(f"error_report: {len(tokens)} labelled tokens, {len(sections['suspects'])} suspect labels listed "
          f"({time.perf_counter() - started:.0f} s) -> {ERROR_REPORT}/report.md")


if __name__ == "__main__":
    run_main(main)

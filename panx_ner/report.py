"""Rendering the error analysis as one markdown report and a confusion-matrix picture."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from panx_ner.tables import markdown_table

CONFUSION_PAIRS = "confusion.csv"  # in the error report folder: one (actual, predicted) row per labelled sub-word


def sentence_markdown(sentence: pd.Series) -> str:
    """A sentence as the book shows it: one column per sub-word, rows tokens / labels / predicted / losses."""
    keep = [i for i, token in enumerate(sentence["tokens"]) if token not in ("<s>", "</s>", "<pad>")]
    table = pd.DataFrame(
        [[sentence["labels"][i] for i in keep], [sentence["predicted"][i] for i in keep],
         [f"{sentence['losses'][i]:.2f}" for i in keep]],
        index=["labels", "predicted", "losses"], columns=[sentence["tokens"][i] for i in keep])
    table.index.name = "tokens"
    return f"Total loss {sentence['total_loss']:.2f}:\n\n" + markdown_table(table, index=True)


def plot_confusion(matrix: pd.DataFrame, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(6.5, 6))
    image = axis.imshow(matrix.to_numpy(), cmap="Blues", vmin=0, vmax=1)
    axis.set_xticks(range(len(matrix.columns)), matrix.columns, rotation=45)
    axis.set_yticks(range(len(matrix.index)), matrix.index)
    for row in range(len(matrix.index)):
        for column in range(len(matrix.columns)):
            value = matrix.iat[row, column]
            axis.text(column, row, f"{value:.2f}", ha="center", va="center",
                      color="white" if value > 0.5 else "black", fontsize=8)
    axis.set_xlabel("Predicted label")
    axis.set_ylabel("True label")
    axis.set_title(f"Normalized confusion matrix\n{title}")
    figure.colorbar(image, ax=axis, fraction=0.046)
    figure.tight_layout()
    figure.savefig(path, format="png", dpi=100)
    plt.close(figure)


def render_error_report(settings, sections: dict, num_tokens: int) -> str:
    scores = sections["scores"]
    parts = [
        f"# Error analysis: `{settings.strategy}` model on {settings.language} {settings.split}\n",
        f"Micro F1 {scores['f1']:.4f} (precision {scores['precision']:.4f}, recall {scores['recall']:.4f}) over "
        f"{num_tokens} labelled sub-words. Per type: "
        + ", ".join(f"{t} {scores[t]['f1']:.4f}" for t in scores if isinstance(scores[t], dict) and "support" in scores[t])
        + ".\n",
        "Losses are the cross-entropy of each labelled sub-word (the first sub-word of each word); `IGN` marks "
        "sub-words that carry no label.\n",
        f"## Tokens with the highest summed loss (top {settings.top_tokens})\n",
        markdown_table(sections["top_tokens"], index=True),
        "## Loss per gold label (sorted by mean)\n",
        markdown_table(sections["label_losses"], index=True),
        "## Confusion matrix (normalized per gold label)\n",
        "![confusion matrix](confusion.png)\n",
        markdown_table(sections["confusion"], index=True),
        f"## The {settings.top_sentences} sentences with the highest total loss\n",
        *[sentence_markdown(row) for _, row in sections["hardest"].iterrows()],
        f"## Sentences containing `{settings.token}` (highest total loss first)\n",
        *([sentence_markdown(row) for _, row in sections["with_token"].iterrows()]
          or [f"No sentence contains `{settings.token}`.\n"]),
        f"## Likely annotation errors (top {settings.top_suspects})\n",
        "Gold entities that the model types otherwise in full, with mean probability at least "
        f"{settings.suspect_confidence}. PAN-X was labelled automatically (silver standard), so these are "
        "candidates for wrong gold labels rather than model errors. All of them: `suspect_labels.csv`.\n",
        markdown_table(sections["suspects"]) if len(sections["suspects"]) else "None found.\n",
    ]
    return "\n".join(parts)

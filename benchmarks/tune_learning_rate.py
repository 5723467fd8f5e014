"""Learning-rate probe: train on the first N shuffled French sentences with a given learning rate, print validation F1.

    python benchmarks/tune_learning_rate.py 1000 2e-4      # needs the encoded corpus (dvc repro encode)

Uses the pipeline's own training (params.yaml's train section, learning rate replaced) and learning-curve subsets.
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from panx_ner.artifacts import encoded_dir, load_split  # noqa: E402
from panx_ner.params import load_params  # noqa: E402
from panx_ner.results import live_history  # noqa: E402
from panx_ner.training import train_model  # noqa: E402
from panx_ner.trainsets import first_rows  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("size", type=int)
    parser.add_argument("learning_rate", type=float)
    args = parser.parse_args()
    params = load_params()
    source = encoded_dir(params.learning_curve.language)
    train_set = first_rows(load_split(source, "train"), args.size, params.learning_curve.seed, str(source))
    train_params = params.train.model_copy(update={"learning_rate": args.learning_rate})
    with tempfile.TemporaryDirectory() as output:
        live = Path(output) / "live"  # the per-epoch validation F1, logged by DVCLive as in the train stage
        result = train_model(params.model.checkpoint, train_set, load_split(source, "validation"), train_params,
                             params.learning_curve.seed, Path(output) / "model", f"tune-{args.size}-{args.learning_rate}",
                             live_dir=live)
        per_epoch = live_history(live, "eval/f1")["eval/f1"].round(4).tolist()
    print(json.dumps({"size": args.size, "learning_rate": args.learning_rate, "validation_f1_per_epoch": per_epoch,
                      "train_seconds": round(result.train_seconds)}))


if __name__ == "__main__":
    main()

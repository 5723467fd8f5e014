"""Training metrics through DVCLive: the training loss every `train.log_every_steps` steps and the validation loss
and F1 of every epoch, in one DVCLive folder per training (data/training/<name>/).

The folder has DVCLive's standard layout (metrics.json with the last values, plots/metrics/<name>.tsv with one row
per logged step), which `dvc plots`, `dvc exp show`, the VS Code extension and Studio read; summarize publishes it
under metrics/ for git. DVCLive writes no dvc.yaml here (the pipeline's own dvc.yaml declares the plots) and saves
no experiment from inside a stage (`dvc exp run` saves the experiment). Logging reads the loss the Trainer already
computes: it changes no weight (tests/test_training_log.py trains the tiny model with and without it).
"""

from __future__ import annotations

from pathlib import Path

from transformers.integrations import DVCLiveCallback

from panx_ner.errors import PipelineError

# Trainer log key -> DVCLive metric name (DVCLive's own names for these, as its Hugging Face integration gives them);
# the Trainer's timing and throughput keys are left out: they differ on every run.
LOGGED = {"loss": "train/loss", "grad_norm": "train/grad_norm", "learning_rate": "train/learning_rate",
          "eval_loss": "eval/loss", "eval_f1": "eval/f1"}


class TrainingLog(DVCLiveCallback):
    """transformers' DVCLiveCallback, with each value logged at the Trainer's global step (the stock callback
    counts log calls, so a validation would take a step of its own) and the epoch beside it, and with the pipeline's
    train params as DVCLive params instead of every TrainingArguments field (some of which name the machine)."""

    def __init__(self, live_dir: Path, params: dict):
        self.live_dir, self.train_params = Path(live_dir), params
        super().__init__(log_model=False)  # the model is a pipeline output, not a DVCLive artifact

    def setup(self, args, state, model):
        from dvclive import Live

        self._initialized = True
        if state.is_world_process_zero:  # under torchrun only the main process logs
            from scmrepo.exceptions import SCMError

            try:
                self.live = Live(dir=str(self.live_dir), report=None, save_dvc_exp=False, dvcyaml=None)
            except SCMError as error:  # DVCLive reads the git revision, and an empty repository has none
                raise PipelineError(f"DVCLive cannot log in this git repository ({error}); expected a repository "
                                    f"with a commit: git add -A && git commit") from None
            self.live.log_params(self.train_params)
            # A run resumed from a checkpoint (PANX_RESUME=1) starts with the checkpoint's log: logged again, it
            # gives the files an uninterrupted run writes, without what the killed run logged after the checkpoint.
            for entry in state.log_history:
                self._log(entry, entry["step"], entry.get("epoch"))

    def on_log(self, args, state, control, model=None, logs=None, **kwargs):
        if not self._initialized:
            self.setup(args, state, model)
        if state.is_world_process_zero:
            self._log(logs or {}, state.global_step, state.epoch)

    def _log(self, logs: dict, step: int, epoch: float | None) -> None:
        logged = {name: logs[key] for key, name in LOGGED.items() if key in logs}  # one order, however logged
        if not logged:  # the Trainer's closing summary (runtime, throughput): nothing per step
            return
        self.live.step = step
        for name, value in {**logged, "epoch": round(epoch or 0.0, 4)}.items():
            self.live.log_metric(name, value)
        self.live.next_step()  # writes metrics.json and tells a running `dvc exp run` a step is done

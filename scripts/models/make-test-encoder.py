#!/usr/bin/python3
"""Make the test encoder: a tiny vision transformer with the input contract of Clay v1.5's
published ONNX encoder, and deterministic weights, small enough to commit.

    apt-get install -y python3-torch python3-onnx     # Debian's PyTorch; nothing from PyPI
    /usr/bin/python3 scripts/models/make-test-encoder.py [--out models/test-encoder]

Writes, into --out:
  encoder.onnx     the model (opset 17, fp32). Inputs, as Clay v1.5's export:
                     cube [B, C, 256, 256] (normalised bands), time [B, 4], latlon [B, 4],
                     waves [C] (µm), gsd [1] (m); output embeddings [B, 64].
                   Batch and band count are dynamic, like the real encoder's.
  reference.json   the PyTorch forward pass on fixed inputs (the cube is given by a formula
                   that JavaScript reproduces bit for bit), so any runtime can be checked
                   against an independent implementation.
  manifest.json    is written by hand (it also describes the bands and normalisation); this
                   script only updates its sha256 and byte count.

The weights come from numpy's PCG64 with a fixed seed, not from torch's initialisers, so they do
not change between PyTorch versions. Same seed, same numpy: same bytes.

What the model is (it only has to behave like an encoder, not to be a good one):
  - each band is cut into 16×16 patches and projected onto 16 fixed spatial filters;
  - a hypernetwork turns each band's wavelength into that band's weights (as Clay's dynamic
    embedding does), so any set of bands in any order works; the sum runs over bands;
  - log(gsd) shifts the patch tokens; time and latlon are added to a class token;
  - two pre-norm transformer blocks (dim 64, 4 heads), and the class token is the embedding.
"""
import argparse
import hashlib
import json
import math
import pathlib

import numpy as np
import torch

SEED = 20261121
DIM, HEADS, DEPTH, MLP = 64, 4, 2, 128
SIZE, PATCH, BASIS, WAVE_FREQS, OUT = 256, 16, 16, 8, 64
TOKENS = (SIZE // PATCH) ** 2


def make_weights():
    rng = np.random.default_rng(SEED)

    def w(*shape, fan_in=None):
        fan = fan_in if fan_in is not None else shape[0]
        return torch.from_numpy((rng.standard_normal(shape) / math.sqrt(fan)).astype(np.float32))

    p = {
        "basis": w(BASIS, 1, PATCH, PATCH, fan_in=PATCH * PATCH),
        "wave_freqs": torch.from_numpy(np.geomspace(0.5, 40.0, WAVE_FREQS).astype(np.float32)),
        "hyper": w(2 * WAVE_FREQS, BASIS * DIM),
        "gsd_vec": w(DIM, fan_in=4),
        "cls": w(DIM, fan_in=1) * 0.1,
        "time_proj": w(4, DIM),
        "latlon_proj": w(4, DIM),
        "out_proj": w(DIM, OUT),
        # Layer norms keep unit gain and zero shift (ONNX needs them spelled out).
        "ln_gain": torch.ones(DIM),
        "ln_shift": torch.zeros(DIM),
    }
    # Fixed 2-D sine-cosine positions, as in MAE/Clay.
    g = np.arange(SIZE // PATCH, dtype=np.float64)
    yy, xx = np.meshgrid(g, g, indexing="ij")
    omega = 1.0 / 10000 ** (np.arange(DIM // 4) / (DIM // 4))
    pos = np.concatenate([f(c.reshape(-1, 1) * omega) for c in (yy, xx) for f in (np.sin, np.cos)], axis=1)
    p["pos"] = torch.from_numpy(pos.astype(np.float32))
    for b in range(DEPTH):
        p[f"b{b}.qkv"] = w(DIM, 3 * DIM)
        p[f"b{b}.proj"] = w(DIM, DIM)
        p[f"b{b}.fc1"] = w(DIM, MLP)
        p[f"b{b}.fc2"] = w(MLP, DIM)
    return p


class TestEncoder(torch.nn.Module):
    def __init__(self, p):
        super().__init__()
        for k, v in p.items():
            self.register_buffer(k.replace(".", "_"), v)

    def norm(self, x):
        return torch.nn.functional.layer_norm(x, (DIM,), self.ln_gain, self.ln_shift)

    def block(self, x, b):
        B, N, _ = x.shape
        h = self.norm(x)
        qkv = (h @ getattr(self, f"b{b}_qkv")).reshape(B, N, 3, HEADS, DIM // HEADS).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(DIM // HEADS), dim=-1)
        x = x + (a @ v).transpose(1, 2).reshape(B, N, DIM) @ getattr(self, f"b{b}_proj")
        h = self.norm(x)
        return x + torch.nn.functional.gelu(h @ getattr(self, f"b{b}_fc1")) @ getattr(self, f"b{b}_fc2")

    def forward(self, cube, time, latlon, waves, gsd):
        B, C = cube.shape[0], cube.shape[1]
        f = torch.nn.functional.conv2d(cube.reshape(B * C, 1, SIZE, SIZE), self.basis, stride=PATCH)
        f = f.reshape(B, C, BASIS, TOKENS).permute(0, 3, 1, 2).reshape(B, TOKENS, C * BASIS)
        angles = waves.reshape(C, 1) * self.wave_freqs.reshape(1, WAVE_FREQS)
        enc = torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)
        w_bands = (enc @ self.hyper).reshape(C * BASIS, DIM)
        tokens = (f @ w_bands) / torch.sqrt(torch.tensor(BASIS, dtype=torch.float32) * C)
        tokens = tokens + self.pos + torch.log(gsd).reshape(1, 1, 1) * self.gsd_vec
        cls = self.cls + time @ self.time_proj + latlon @ self.latlon_proj
        x = torch.cat([cls.reshape(B, 1, DIM), tokens], dim=1)
        for b in range(DEPTH):
            x = self.block(x, b)
        return self.norm(x[:, 0]) @ self.out_proj


def reference_cube(batch, bands):
    """cube[b, c, y, x] = ((7x + 13y + 29c + 31b) mod 97) / 48.5 − 1, exactly representable math
    that JavaScript reproduces (see app/lib/encoder reference tests)."""
    b, c, y, x = np.meshgrid(np.arange(batch), np.arange(bands), np.arange(SIZE), np.arange(SIZE), indexing="ij")
    return ((7 * x + 13 * y + 29 * c + 31 * b) % 97 / 48.5 - 1).astype(np.float32)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="models/test-encoder")
    out = pathlib.Path(ap.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)  # nothing random is drawn from torch; this only pins any library default
    model = TestEncoder(make_weights()).eval()

    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    waves = np.array([b["wavelength_um"] for b in manifest.get("bands", [])] or [0.493, 0.56, 0.665, 0.704, 0.74, 0.783, 0.842, 0.865, 1.61, 2.19], dtype=np.float32)
    batch, bands = 2, len(waves)
    week, hour, lon, lat = 24, 12, math.radians(37.0), math.radians(-1.0)
    time1 = [math.sin(week * 2 * math.pi / 52), math.cos(week * 2 * math.pi / 52), math.sin(hour * 2 * math.pi / 24), math.cos(hour * 2 * math.pi / 24)]
    latlon1 = [math.sin(lon), math.cos(lon), math.sin(lat), math.cos(lat)]
    inputs = (
        torch.from_numpy(reference_cube(batch, bands)),
        torch.tensor([time1, [0.0] * 4], dtype=torch.float32),
        torch.tensor([latlon1, [0.0] * 4], dtype=torch.float32),
        torch.from_numpy(waves),
        torch.tensor([10.0], dtype=torch.float32),
    )
    with torch.no_grad():
        expected = model(*inputs)

    onnx_path = out / "encoder.onnx"
    torch.onnx.export(
        model, inputs, str(onnx_path), opset_version=17,
        input_names=["cube", "time", "latlon", "waves", "gsd"], output_names=["embeddings"],
        dynamic_axes={"cube": {0: "batch", 1: "bands"}, "time": {0: "batch"}, "latlon": {0: "batch"}, "waves": {0: "bands"}, "embeddings": {0: "batch"}},
    )
    data = onnx_path.read_bytes()
    (out / "reference.json").write_text(json.dumps({
        "about": "PyTorch forward pass of encoder.onnx, written by scripts/models/make-test-encoder.py",
        "torch": torch.__version__,
        "cube": "cube[b][c][y][x] = ((7x + 13y + 29c + 31b) mod 97) / 48.5 - 1, float32",
        "shape": [batch, bands, SIZE, SIZE],
        "time": inputs[1].tolist(), "latlon": inputs[2].tolist(), "waves": waves.tolist(), "gsd": [10.0],
        "embeddings": expected.tolist(),
    }, indent=1) + "\n")
    if manifest:
        manifest["sha256"] = hashlib.sha256(data).hexdigest()
        manifest["bytes"] = len(data)
        manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"{onnx_path}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main()

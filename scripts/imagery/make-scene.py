#!/usr/bin/python3
"""Writes a small synthetic Sentinel-2 L2A scene as Earth Search lays it out: one GeoTIFF per
band, at the band's own resolution (10 m: B02 B03 B04 B08; 20 m: B05 B06 B07 B8A B11 B12),
uint16 digital numbers, tiled 256 × 256, DEFLATE with the horizontal predictor, GeoKeys for
WGS 84 / UTM zone 30N (EPSG:32630), ModelPixelScale and ModelTiepoint, GDAL_NODATA 0.
Cloud-optimised in what a range reader needs (tiles, one IFD per file, read by geotiff.js);
no overviews (the scene is 15 km across).

    /usr/bin/python3 scripts/imagery/make-scene.py <out-dir>

Needs Debian's python3-numpy and python3-tifffile (no imagecodecs: tifffile's own zlib and
predictor code). Deterministic: a fixed seed and no timestamps in the files, so the same bytes
every run. Writes <out-dir>/scene.json last (the caller treats its presence as "done").

The scene: 1536 × 1536 px at 10 m (6 × 6 chips of 256 px on the scene's own grid), upper-left
corner 399960 E, 4500000 N (on the 60 m grid, like a real tile; about 4.19° W, 40.6° N, the
Sierra de Guadarrama north-west of Madrid). Land covers are fields of a few classes (cropland,
grass, forest, bare soil, built-up), each 64 px cell one class with a gentle texture (crop rows,
canopy), deterministic. PLANTED: four "lake" chips (scene.json "planted", [row, col] from the
north-west) are open water edge to edge, whose spectra (dark in NIR and SWIR) differ strongly
from every land class, so a search from one finds the other three first.

Two items of the same tile: a clear one (2023-06-14, eo:cloud_cover 3) and a cloudy one
(2023-06-19, eo:cloud_cover 85, whitened under a smooth cloud mask).
"""
import json
import os
import sys

import numpy as np
import tifffile

EPSG = 32630
X0, Y0 = 399960.0, 4500000.0
SIZE_10M = 1536
CHIP = 256
CELL = 64
SEED = 20230614

BANDS = [  # name, Earth Search asset key, metres per pixel
    ("B02", "blue", 10), ("B03", "green", 10), ("B04", "red", 10), ("B05", "rededge1", 20),
    ("B06", "rededge2", 20), ("B07", "rededge3", 20), ("B08", "nir", 10), ("B8A", "nir08", 20),
    ("B11", "swir16", 20), ("B12", "swir22", 20),
]
# Surface reflectance × 10000 (L2A digital numbers), roughly as Sentinel-2 sees these covers.
SPECTRA = {
    #            B02   B03   B04   B05   B06   B07   B08   B8A   B11   B12
    "cropland": [450, 800, 600, 1300, 2800, 3300, 3600, 3700, 2200, 1200],
    "grass":    [600, 900, 900, 1400, 2200, 2500, 2700, 2800, 2600, 1700],
    "forest":   [250, 450, 300, 800, 2000, 2400, 2600, 2700, 1300, 600],
    "bare":     [1300, 1700, 2100, 2400, 2600, 2700, 2800, 2900, 3600, 3000],
    "built":    [1500, 1600, 1700, 1800, 1900, 2000, 2100, 2150, 2300, 2100],
}
CLASSES = list(SPECTRA)
PRIORS = [0.35, 0.25, 0.2, 0.12, 0.08]
WATER = [700, 800, 550, 400, 300, 250, 200, 180, 90, 60]
PLANTED = [[1, 4], [2, 1], [4, 3], [5, 0]]

ITEMS = [
    {"id": "S2B_30TVK_20230614_0_L2A", "datetime": "2023-06-14T11:06:21.024000Z", "cloud_cover": 3.0, "cloudy": False},
    {"id": "S2A_30TVK_20230619_0_L2A", "datetime": "2023-06-19T11:06:19.024000Z", "cloud_cover": 85.0, "cloudy": True},
]


def land_cover(rng):
    """Class index per 64 px cell of the 10 m grid, and the lake mask per pixel."""
    cells = SIZE_10M // CELL
    classes = rng.choice(len(CLASSES), size=(cells, cells), p=PRIORS)
    per_px = np.repeat(np.repeat(classes, CELL, axis=0), CELL, axis=1)
    lake = np.zeros((SIZE_10M, SIZE_10M), dtype=bool)
    for r, c in PLANTED:
        lake[r * CHIP:(r + 1) * CHIP, c * CHIP:(c + 1) * CHIP] = True
    return per_px, lake


def texture(rng):
    """A gentle multiplicative texture: crop-row stripes per cell plus smooth blobs."""
    y, x = np.mgrid[0:SIZE_10M, 0:SIZE_10M].astype(np.float32)
    cells = SIZE_10M // CELL
    # Rows run north-south or east-west (a whole cell one way): cheap to compress, still texture.
    angle = np.repeat(np.repeat(rng.integers(0, 2, (cells, cells)) * (np.pi / 2), CELL, 0), CELL, 1).astype(np.float32)
    rows = np.sin((x * np.cos(angle) + y * np.sin(angle)) * (2 * np.pi / 8))
    blobs = np.sin(x / 97.0 + 1.3) * np.sin(y / 71.0 + 0.4)
    return (1 + 0.06 * rows + 0.08 * blobs).astype(np.float32)


def cloud_mask():
    """0 (clear) … 1 (thick cloud), smooth; about 85 % of the scene under cloud."""
    y, x = np.mgrid[0:SIZE_10M, 0:SIZE_10M].astype(np.float32)
    f = 0.5 + 0.5 * np.sin(x / 180.0) * np.cos(y / 230.0) + 0.35
    return np.clip(f * 1.6 - 0.2, 0, 1).astype(np.float32)


def geotiff(path, data, gsd):
    geokeys = [1, 1, 0, 3,
               1024, 0, 1, 1,      # GTModelType: projected
               1025, 0, 1, 1,      # GTRasterType: PixelIsArea
               3072, 0, 1, EPSG]   # ProjectedCSType
    extratags = [
        (33550, "d", 3, (float(gsd), float(gsd), 0.0), False),       # ModelPixelScale
        (33922, "d", 6, (0.0, 0.0, 0.0, X0, Y0, 0.0), False),        # ModelTiepoint
        (34735, "H", len(geokeys), tuple(geokeys), False),           # GeoKeyDirectory
        (42113, "s", 2, "0", False),                                 # GDAL_NODATA
    ]
    tifffile.imwrite(path, data, tile=(CHIP, CHIP), compression="zlib", compressionargs={"level": 9},
                     predictor=True, photometric="minisblack", extratags=extratags, metadata=None,
                     software=False)


def scene_bands(cover, lake, tex, cloudy):
    """{band name: uint16 array at the band's own resolution}."""
    out = {}
    cloud = cloud_mask() if cloudy else None
    for b, (name, _asset, gsd) in enumerate(BANDS):
        table = np.array([SPECTRA[c][b] for c in CLASSES], dtype=np.float32)
        v = table[cover] * tex
        water = WATER[b] * (1 + 0.02 * (tex - 1))
        v = np.where(lake, water, v)
        if cloud is not None:
            v = v * (1 - cloud) + (7800 + 400 * (b % 3)) * cloud
        if gsd == 20:
            # What the 20 m product holds: the mean of each 2 × 2 block.
            v = v.reshape(SIZE_10M // 2, 2, SIZE_10M // 2, 2).mean(axis=(1, 3))
        out[name] = np.clip(np.rint(v), 1, 65535).astype(np.uint16)
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make-scene.py <out-dir>")
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(SEED)
    cover, lake = land_cover(rng)
    tex = texture(rng)
    items = []
    for item in ITEMS:
        folder = os.path.join(out_dir, item["id"])
        os.makedirs(folder, exist_ok=True)
        assets = {}
        for name, data in scene_bands(cover, lake, tex, item["cloudy"]).items():
            asset, gsd = next((a, g) for n, a, g in BANDS if n == name)
            geotiff(os.path.join(folder, f"{name}.tif"), data, gsd)
            assets[asset] = {"band": name, "href": f"{item['id']}/{name}.tif", "gsd": gsd,
                             "shape": list(data.shape)}
        items.append({"id": item["id"], "datetime": item["datetime"], "cloud_cover": item["cloud_cover"],
                      "assets": assets})
    scene = {"epsg": EPSG, "origin": [X0, Y0], "size_10m": SIZE_10M, "chip_px": CHIP, "gsd_m": 10,
             "planted": {"lake": PLANTED}, "items": items}
    with open(os.path.join(out_dir, "scene.json"), "w") as f:
        json.dump(scene, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

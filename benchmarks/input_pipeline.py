"""Input pipeline speed: helpers.data (tf.data) against the original project's approach.

The baseline is what Keras' old ``ImageDataGenerator.flow_from_dataframe`` did:
a Python generator that opens, converts and resizes each image with PIL,
batch after batch, every epoch. Both run in this process on the same images
at the same size, after one read of every file to warm the OS file cache;
one epoch each is timed (the tf.data one cold, then from
its cache). Not a test: it prints measured figures and writes them to
``results/benchmarks/input_pipeline.json``.

    python benchmarks/input_pipeline.py --voc-root /path/to/VOCdevkit   # or VOC_ROOT=...
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from PIL import Image

from helpers import data, environment, voc


def pil_generator(frame, image_size: int, batch_size: int):
    """The baseline: load and resize each image with PIL, one batch at a time."""
    paths = frame["path"].tolist()
    targets, _ = data.targets_and_masks(frame)
    for start in range(0, len(paths), batch_size):
        batch = [np.asarray(Image.open(p).convert("RGB").resize((image_size, image_size), Image.BILINEAR),
                            dtype=np.float32) for p in paths[start:start + batch_size]]
        yield np.stack(batch), targets[start:start + batch_size]


def images_per_second(batches) -> tuple[float, int]:
    start, count = time.perf_counter(), 0
    for images, *_ in batches:
        count += len(images)
    return count / (time.perf_counter() - start), count


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voc-root", help="VOCdevkit folder (default: $VOC_ROOT)")
    parser.add_argument("--split", default="train")
    parser.add_argument("--image-size", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--output", type=Path, default=Path("results/benchmarks/input_pipeline.json"))
    args = parser.parse_args(argv)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = voc.load_split(voc.resolve_voc_root(args.voc_root), args.split)
    print(f"{len(frame)} images of {args.split!r} at {args.image_size} px, batch {args.batch_size}")

    for path in frame["path"]:  # warm the OS file cache, so neither side pays for the disk
        Path(path).read_bytes()
    baseline, n = images_per_second(pil_generator(frame, args.image_size, args.batch_size))
    print(f"PIL generator (original approach): {baseline:8.1f} images/s ({n} images)")
    dataset = data.make_dataset(frame, args.image_size, args.batch_size, cache=True)
    cold, _ = images_per_second(dataset)
    print(f"tf.data, first epoch (decode):     {cold:8.1f} images/s  ({cold / baseline:.1f}x)")
    cached, _ = images_per_second(dataset)
    print(f"tf.data, cached epoch:             {cached:8.1f} images/s  ({cached / baseline:.1f}x, target 5x)")

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({
        "split": args.split, "images": n, "image_size": args.image_size, "batch_size": args.batch_size,
        "images_per_second": {"pil_generator": round(baseline, 1), "tf_data_cold": round(cold, 1),
                              "tf_data_cached": round(cached, 1)},
        "speedup": {"cold": round(cold / baseline, 2), "cached": round(cached / baseline, 2)},
        "machine": environment.machine(), "versions": environment.versions(),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }, indent=2) + "\n")
    print(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Is bfloat16 worth it for notebook 05? MobileNetV2's images per second, float32
against mixed bfloat16, for the two costly steps: features at the cut (the whole
backbone's forward pass) and fine-tuning the top blocks on cached activations.

Random images and labels, so it needs no data; each precision runs in a fresh
process. Not a test: it prints measured figures and writes them to
``results/benchmarks/transfer_precision.json``. Weights do not change the speed:
random ones are used unless ``--weights`` names a file.

    python benchmarks/transfer_precision.py            # 448 px, about 2 minutes on 2 cores
"""

from __future__ import annotations

import argparse
from pathlib import Path

from helpers import evaluation, results

MEASURE = """
import json, sys, time
import numpy as np
from helpers import transfer
import keras
policy, size = sys.argv[1], int(sys.argv[2])
keras.mixed_precision.set_global_policy(policy)
backbone, _ = transfer.load_backbone("MobileNetV2", size, None)
bottom, top = transfer.split_backbone(backbone, transfer.CUT_AFTER["MobileNetV2"])
image = keras.Input((size, size, 3))
activations = bottom(transfer.Preprocess("MobileNetV2")(image))
extractor = keras.Model(image, [activations, keras.layers.GlobalAveragePooling2D()(top(activations))])
x = (np.random.default_rng(0).random((96, size, size, 3)) * 255).astype("float32")
extractor.predict(x[:32], batch_size=32, verbose=0)  # build and trace first
start = time.perf_counter()
cut = extractor.predict(x, batch_size=32, verbose=0)[0].astype("float32")
extraction = len(x) / (time.perf_counter() - start)
for layer in top.layers:
    layer.trainable = not isinstance(layer, keras.layers.BatchNormalization)
cut_input = keras.Input(cut.shape[1:])
fine = keras.Model(cut_input, keras.layers.Dense(20, activation="sigmoid", dtype="float32")(
    keras.layers.GlobalAveragePooling2D()(top(cut_input))))
fine.compile(optimizer=keras.optimizers.Adam(1e-4), loss="binary_crossentropy", jit_compile=False)
activations = np.concatenate([cut] * 3)
labels = (np.random.default_rng(1).random((len(activations), 20)) > 0.9).astype("float32")
fine.fit(activations[:64], labels[:64], batch_size=32, epochs=1, verbose=0)
start = time.perf_counter()
fine.fit(activations, labels, batch_size=32, epochs=1, verbose=0)
print(json.dumps({"extraction": extraction, "fine_tuning": len(activations) / (time.perf_counter() - start)}))
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=448)
    parser.add_argument("--output", type=Path, default=Path("results/benchmarks/transfer_precision.json"))
    args = parser.parse_args(argv)
    record = {"image_size": args.size, "backbone": "MobileNetV2", "cut_after": "block_13_project_BN"}
    for policy in ("float32", "mixed_bfloat16"):
        speeds = evaluation.in_fresh_process(MEASURE, policy, str(args.size))
        record[policy] = {k: round(v, 1) for k, v in speeds.items()}
        print(f"{policy:>15}: features {speeds['extraction']:.1f} images/s, "
              f"fine-tuning the top {speeds['fine_tuning']:.1f} images/s")
    for step in ("extraction", "fine_tuning"):
        record[f"bfloat16_speedup_{step}"] = round(record["mixed_bfloat16"][step] / record["float32"][step], 2)
    print(f"bfloat16 / float32: features {record['bfloat16_speedup_extraction']:.2f}x, "
          f"fine-tuning {record['bfloat16_speedup_fine_tuning']:.2f}x")
    results.write_benchmark(args.output, record)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

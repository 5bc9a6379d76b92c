"""Where notebook 01's memory goes: classifiers trained one after another in one process,
and twenty networks run side by side or one after another.

Random images and labels of the full profile's sizes (100 px, a balanced set of 600
images, a tune split of 1,252), so it needs no data. Each part runs in a fresh
process, since a process's peak memory only grows. Not a test: it prints measured
figures and writes them to ``results/benchmarks/model1_memory.json``.

    python benchmarks/model1_memory.py            # 6 classifiers per mode, about 6 minutes on 2 cores
    python benchmarks/model1_memory.py --modes reuse --no-inference   # one part only; the file keeps the others
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from helpers import evaluation, results

TRAINING = """
import gc, json, sys
import numpy as np
from helpers import environment, evaluation, models, training
environment.import_tensorflow()
import keras, psutil
keras.mixed_precision.set_global_policy(training.fast_precision())
n, mode = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(0)
x, y = (rng.random((600, 100, 100, 3)) * 255).astype("uint8"), (rng.random(600) > 0.6).astype("float32")
xv, yv = (rng.random((1252, 100, 100, 3)) * 255).astype("uint8"), (rng.random(1252) > 0.9).astype("float32")


def compiled():
    net = models.original_cnn(100, 1)
    net.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy",
                weighted_metrics=[training.ranking_metric()], jit_compile=False)
    return net


import time
rss, seconds = [], []
if mode == "reuse":  # one model compiled once; each classifier starts from the same fresh weights and optimizer state
    net = compiled()
    net.optimizer.build(net.trainable_variables)
    fresh_weights = net.get_weights()
    fresh_state = [v.numpy() for v in net.optimizer.variables]
for k in range(n):
    if mode == "reuse":
        net.set_weights(fresh_weights)
        for variable, value in zip(net.optimizer.variables, fresh_state):
            variable.assign(value)
    else:
        net = compiled()
    start = time.perf_counter()
    history = net.fit(x, y, batch_size=32, epochs=2, verbose=0, validation_data=(xv, yv, np.ones_like(yv)))
    seconds.append(time.perf_counter() - start)
    del history
    if mode != "reuse":
        del net
    if mode == "clear":
        keras.backend.clear_session()
    gc.collect()
    rss.append(psutil.Process().memory_info().rss / 2**30)
print(json.dumps({"rss": rss, "seconds": seconds}))
"""

INFERENCE = """
import json, sys
import numpy as np
from helpers import environment, evaluation, models, training
environment.import_tensorflow()
import keras
keras.mixed_precision.set_global_policy(training.fast_precision())
x = (np.random.default_rng(0).random((1256, 100, 100, 3)) * 255).astype("uint8")
copies = [models.original_cnn(100, 1, name=f"net{k}") for k in range(20)]
before = evaluation.peak_rss_bytes()
if sys.argv[1] == "side_by_side":
    image = keras.Input((100, 100, 3))
    twenty = keras.Model(image, keras.layers.Concatenate()([c(image) for c in copies]))
    twenty.predict(x, batch_size=128, verbose=0)
else:
    np.concatenate([c.predict(x, batch_size=64, verbose=0) for c in copies], axis=1)
print(json.dumps((evaluation.peak_rss_bytes() - before) / 2**30))
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classifiers", type=int, default=6)
    parser.add_argument("--modes", nargs="+", default=["keep", "clear", "reuse"], choices=["keep", "clear", "reuse"])
    parser.add_argument("--inference", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--output", type=Path, default=Path("results/benchmarks/model1_memory.json"))
    args = parser.parse_args(argv)
    record = json.loads(args.output.read_text()) if args.output.exists() else {}
    record["classifiers"] = args.classifiers
    words = {"keep": "a new model per classifier", "clear": "a new model per classifier, keras.backend.clear_session()",
             "reuse": "one model compiled once, weights and optimizer state reset per classifier"}
    for mode in args.modes:
        measured = evaluation.in_fresh_process(TRAINING, str(args.classifiers), mode)
        rss, seconds = measured["rss"], measured["seconds"]
        record[f"rss_gib_after_each_classifier_{mode}"] = [round(v, 3) for v in rss]
        # the first classifier of a mode also builds and traces the model; the others show the steady cost
        record[f"fit_seconds_each_classifier_{mode}"] = [round(v, 2) for v in seconds]
        growth = (rss[-1] - rss[0]) / (len(rss) - 1)
        record[f"growth_gib_per_classifier_{mode}"] = round(growth, 3)
        print(f"{words[mode]}: resident memory after each classifier {', '.join(f'{v:.2f}' for v in rss)} GiB "
              f"({growth:+.2f} GiB per classifier); fit seconds {', '.join(f'{v:.1f}' for v in seconds)} "
              f"(median after the first {np.median(seconds[1:]):.1f})")
    for mode in ("side_by_side", "one_after_another") if args.inference else ():
        record[f"inference_peak_growth_gib_{mode}"] = round(evaluation.in_fresh_process(INFERENCE, mode), 3)
        print(f"twenty networks {mode.replace('_', ' ')}, 1,256 images: peak grew by "
              f"{record[f'inference_peak_growth_gib_{mode}']:.2f} GiB")
    results.write_benchmark(args.output, record)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

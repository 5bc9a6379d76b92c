"""What each change to the from-scratch network of notebook 03 buys, measured on the tune split.

Starts from the improved Model 3 of the first release and adds one change at a
time (cumulative), each run trained from scratch for the same number of epochs,
then the last configuration for the long schedule the notebook uses. Every run
reports mAP (VOC07) on the **tune** split, with and without flip test-time
augmentation, and its training time. Not a test: it prints measured figures and
writes them, step after step, to ``results/<profile>/ablation_model3.json``
(notebook 03 shows that table).

    VOC_ROOT=/path/to/VOCdevkit python benchmarks/model3_ablation.py --profile full
    python benchmarks/model3_ablation.py --profile tiny --epochs 1 --final-epochs 1   # a smoke run
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

import keras
import numpy as np

from helpers import config, data, environment, metrics, models, training
from helpers.voc import CLASSES, label_matrix

# Each step changes the previous configuration by what it names (cumulative). A change
# that did not help on the tune split is marked kept=False: it is measured, then undone
# for the steps after it.
BASE = {"precision": "float32", "optimizer": "adam", "warmup_epochs": 0, "prior_bias": False, "pooling": "avg",
        "image_size": 128, "crop_size": None, "stem_stride": 2, "peak_learning_rate": 2e-3}
STEPS = [
    ("first release: 128 px, Adam, cosine, flip + 85 % crop, average pooling", {}, True),
    ("+ bfloat16 mixed precision (speed)", {"precision": "fast"}, True),
    ("+ AdamW (weight decay 0.05) and 2 warm-up epochs", {"optimizer": "adamw", "warmup_epochs": 2}, True),
    ("+ output bias at the class priors", {"prior_bias": True}, True),
    ("+ average and max pooling (not kept: lower tune mAP)", {"pooling": "avg+max"}, False),
    ("+ random resized 128 px crops of 160 px images; predict on the whole 160 px image",
     {"image_size": 160, "crop_size": 128}, True),
]


def build_and_train(setup: dict, plan, epochs: int, batch_size: int, seed: int):
    """Train one configuration from scratch; return (model, seconds)."""
    policy = training.fast_precision() if setup["precision"] == "fast" else setup["precision"]
    keras.mixed_precision.set_global_policy(policy)
    keras.utils.set_random_seed(seed)
    fit_frame = plan.frames["fit"]
    targets, masks = data.targets_and_masks(fit_frame)
    bias = models.prior_logits(targets, masks) if setup["prior_bias"] else None
    model = models.improved_cnn(len(CLASSES), stem_stride=setup["stem_stride"], pooling=setup["pooling"],
                                output_bias=bias)
    fit_data = data.make_dataset(fit_frame, setup["image_size"], batch_size, shuffle=True, augment_images=True,
                                 crop_size=setup["crop_size"], seed=seed)
    steps_per_epoch = int(np.ceil(len(fit_frame) / batch_size))
    schedule = training.warmup_cosine(setup["peak_learning_rate"], epochs * steps_per_epoch,
                                      setup["warmup_epochs"] * steps_per_epoch)
    optimizer = training.adamw(schedule) if setup["optimizer"] == "adamw" else keras.optimizers.Adam(schedule)
    model.compile(optimizer=optimizer, loss=training.ElementwiseBinaryCrossentropy(), jit_compile=False)
    start = time.perf_counter()
    model.fit(fit_data, epochs=epochs, verbose=2)
    return model, time.perf_counter() - start


def tune_map(model, plan, image_size: int) -> dict:
    """mAP (VOC07) on the tune split, plain and with flip test-time augmentation."""
    images = data.load_images(plan.frames["tune"], image_size).astype("float32")
    scores = model.predict(images, batch_size=64, verbose=0)
    flipped = model.predict(images[:, :, ::-1], batch_size=64, verbose=0)
    y = label_matrix(plan.frames["tune"]).to_numpy()
    return {"tune_map_voc07": metrics.mean_average_precision(y, scores),
            "tune_map_voc07_flip_tta": metrics.mean_average_precision(y, (scores + flipped) / 2)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=config.PROFILES, default="full")
    parser.add_argument("--epochs", type=int, default=15, help="epochs of every ablation step")
    parser.add_argument("--final-epochs", type=int, default=0, help="epochs of the last configuration's long run "
                                                                    "(0: skip it)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", type=int, nargs="*", help="run only these step numbers (0-based)")
    parser.add_argument("--output", type=Path, help="default: results/<profile>/ablation_model3.json")
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = config.plan_splits(config.prepare_voc(args.profile), seed=args.seed)
    output = args.output or config.default_results_dir() / args.profile / "ablation_model3.json"
    record = json.loads(output.read_text()) if output.exists() else {}
    record.update({"profile": args.profile, "splits": plan.sources, "n_images": plan.n_images,
                   "epochs_per_step": args.epochs, "batch_size": args.batch_size,
                   "machine": environment.machine(), "versions": environment.versions()})
    record.setdefault("steps", [])
    kept = dict(BASE)
    runs = list(STEPS)
    if args.final_epochs:
        runs.append((f"the same, trained {args.final_epochs} epochs", {}, True))
    for number, (name, change, keep) in enumerate(runs):
        setup = {**kept, **change}
        if keep:
            kept = setup
        if args.only is not None and number not in args.only:
            continue
        epochs = args.final_epochs if number == len(STEPS) else args.epochs
        print(f"== step {number}: {name} ({epochs} epochs)", flush=True)
        model, seconds = build_and_train(setup, plan, epochs, args.batch_size, args.seed)
        row = {"step": number, "change": name, "kept": keep, "setup": dict(setup), "epochs": epochs,
               "train_seconds": round(seconds, 1),
               "images_per_second": round(epochs * len(plan.frames["fit"]) / seconds, 1),
               **tune_map(model, plan, setup["image_size"]),
               "date": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        print(json.dumps(row), flush=True)
        record["steps"] = [r for r in record["steps"] if r["step"] != number] + [row]
        record["steps"].sort(key=lambda r: r["step"])
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(record, indent=2) + "\n")
        keras.backend.clear_session()
    print(f"written to {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

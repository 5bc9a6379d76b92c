"""What each change from the faithful Model 3 to the improved one buys, measured on the tune split.

Starts from the faithful network of notebook 03 (the original project's two
convolution blocks, Flatten and Dense(512), 100 px, Adam) and adds one change per
step, along the fixed path that ends at notebook 03's improved network, each run
trained from scratch on the fit split for the same number of epochs. Every row
reports mAP (VOC07) on the **tune** split with its 95 % interval, and the gain over
the step before with the paired interval (the same resampled tune images score
both); its ``why`` says whether that interval shows a gain, and, where it does not,
why the change stays on the path. One pair of rows are alternatives (two crop
settings on the same base): the one with the higher tune mAP is kept. Two rows are not training changes:
flip test-time augmentation scores the last model on each image and its mirror, and
the float32 row retrains the last configuration without bfloat16, a change for
speed only, whose mAP difference shows the noise of retraining. Not a test: it
prints measured figures and writes them, step after step, to
``results/<profile>/ablation_model3.json`` (notebook 03 shows that table).

    VOC_ROOT=/path/to/VOCdevkit python benchmarks/model3_ablation.py --profile full   # about 45 min, 2 cores
    python benchmarks/model3_ablation.py --profile tiny --epochs 1                      # a smoke run
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
from keras import layers

from helpers import config, data, environment, metrics, models, splits, training
from helpers.voc import CLASSES, label_matrix

FAITHFUL = {"batch_norm": False, "padding": "faithful", "pooling": "flatten", "widths": (32, 64), "stem_stride": 1,
            "image_size": 100, "crop_size": None, "crop_area": None, "optimizer": "adam", "prior_bias": False,
            "precision": "fast"}
LONG = "a regulariser, whose benefit should grow with the notebook's 80 epochs (not tested here)"
# (name, change, reason to keep it even within noise or None, the step it is an alternative to or None). Each step
# changes the last kept configuration; an alternative changes the same configuration as the step it competes with.
STEPS = [
    ("the faithful Model 3: two blocks, Flatten + Dense(512), 100 px, Adam 1e-3", {}, None, None),
    ("'same' padding in every convolution", {"padding": "same"}, "the convention of the blocks that follow", None),
    ("batch normalisation after every convolution, in place of the dropout after each block",
     {"batch_norm": True}, "the deeper network of the steps after it is built on it", None),
    ("global average pooling in place of Flatten + Dense(512) (dropout 0.3 before the outputs)",
     {"pooling": "avg"}, "a fifteenth of the weights", None),
    ("deeper: four blocks of two convolutions, 32 to 256 filters", {"widths": (32, 64, 128, 256)},
     "more layers to learn from larger images", None),
    ("a stride-2 first convolution", {"stem_stride": 2},
     "every later layer sees a quarter of the positions, so it costs about a quarter", None),
    ("larger input: 160 px", {"image_size": 160}, "VOC's objects are often small", None),
    ("random left-right flips in training", {"crop_size": 160, "crop_area": (1.0, 1.0)}, LONG, None),
    ("random resized crops, 128 px, covering 30 to 100 % of the image",
     {"crop_size": 128, "crop_area": (0.3, 1.0)}, LONG, None),
    ("random resized crops, 128 px, covering 60 to 100 % of the image (instead of 30 %)",
     {"crop_size": 128, "crop_area": (0.6, 1.0)}, LONG, 8),
    ("AdamW (weight decay 0.05), peak learning rate 2e-3, 2 warm-up epochs then cosine to 0",
     {"optimizer": "adamw"}, LONG, None),
    ("output bias at the class priors", {"prior_bias": True},
     "a convention: the first predictions are the base rates", None),
]


def network(setup: dict, bias) -> keras.Model:
    """The network a configuration describes: the faithful one (``models.original_cnn``) at
    the start, ``models.improved_cnn`` at the end, and every step in between."""
    inputs = keras.Input((None, None, 3) if setup["pooling"] == "avg" else (setup["crop_size"] or setup["image_size"],
                                                                          ) * 2 + (3,))
    x = layers.Rescaling(1 / 255)(inputs)
    for i, filters in enumerate(setup["widths"]):
        for j in range(2):
            padding = "valid" if setup["padding"] == "faithful" and j == 1 else "same"
            strides = setup["stem_stride"] if i == j == 0 else 1
            x = layers.Conv2D(filters, 3, strides=strides, padding=padding, use_bias=not setup["batch_norm"],
                              activation=None if setup["batch_norm"] else "relu")(x)
            if setup["batch_norm"]:
                x = layers.ReLU()(layers.BatchNormalization()(x))
        x = layers.MaxPooling2D()(x)
        if not setup["batch_norm"]:
            x = layers.Dropout(0.25)(x)
    if setup["pooling"] == "flatten":
        x = layers.Dropout(0.5)(layers.Dense(512, activation="relu")(layers.Flatten()(x)))
    else:
        x = layers.Dropout(0.3)(layers.GlobalAveragePooling2D()(x))
    initial = "zeros" if bias is None else keras.initializers.Constant(np.asarray(bias, dtype="float32"))
    return keras.Model(inputs, layers.Dense(len(CLASSES), activation="sigmoid", bias_initializer=initial,
                                            dtype="float32")(x))


def train(setup: dict, plan, epochs: int, batch_size: int, seed: int):
    """Train one configuration from scratch; return (model, seconds)."""
    keras.mixed_precision.set_global_policy(training.fast_precision() if setup["precision"] == "fast" else "float32")
    keras.utils.set_random_seed(seed)
    fit_frame = plan.frames["fit"]
    targets, masks = data.targets_and_masks(fit_frame)
    model = network(setup, models.prior_logits(targets, masks) if setup["prior_bias"] else None)
    fit_data = data.make_dataset(fit_frame, setup["image_size"], batch_size, shuffle=True,
                                 augment_images=setup["crop_size"] is not None, crop_size=setup["crop_size"],
                                 crop_area=setup["crop_area"] or (0.3, 1.0), seed=seed)
    steps = int(np.ceil(len(fit_frame) / batch_size))
    if setup["optimizer"] == "adamw":
        optimizer = training.adamw(training.warmup_cosine(2e-3, epochs * steps, 2 * steps))
    else:
        optimizer = keras.optimizers.Adam(1e-3)
    model.compile(optimizer=optimizer, loss=training.ElementwiseBinaryCrossentropy(), jit_compile=False)
    start = time.perf_counter()
    model.fit(fit_data, epochs=epochs, verbose=0, callbacks=[training.EpochLine(every=max(1, epochs // 3))])
    return model, time.perf_counter() - start


def tune_scores(model, plan, image_size: int, flip: bool = False) -> np.ndarray:
    """Scores of the tune split's whole images (and of their mirrors, averaged, with ``flip``)."""
    images = data.load_images(plan.frames["tune"], image_size).astype("float32")
    scores = model.predict(images, batch_size=64, verbose=0)
    if flip:
        scores = (scores + model.predict(images[:, :, ::-1], batch_size=64, verbose=0)) / 2
    return scores


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=config.PROFILES, default="full")
    parser.add_argument("--epochs", type=int, default=12, help="epochs of every step")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, help="default: results/<profile>/ablation_model3.json")
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = splits.plan_splits(config.prepare_voc(args.profile), seed=args.seed)
    output = args.output or Path("results") / args.profile / "ablation_model3.json"
    y_tune = label_matrix(plan.frames["tune"]).to_numpy()
    boot = metrics.Bootstrap(y_tune)
    record = {"profile": args.profile, "splits": plan.sources, "n_images": plan.n_images, "epochs_per_step": args.epochs,
              "batch_size": args.batch_size, "interval": "95 %: the estimate plus or minus 1.96 bootstrap standard "
              "deviations over the tune images, paired for gains", "machine": environment.machine(),
              "versions": environment.versions(), "steps": []}
    kept, kept_scores, model = dict(FAITHFUL), None, None
    state = {}  # step -> (its setup, its scores, the setup and scores it was compared with)

    def add(row: dict, scores: np.ndarray, against: np.ndarray | None) -> None:
        interval = boot.map(scores)
        row.update({"tune_map_voc07": interval.estimate, "tune_ci95": interval.as_list()})
        if against is not None:
            gain = boot.difference(scores, against)
            row.update({"gain": gain.estimate, "gain_ci95": gain.as_list(), "gain_is_real": gain.excludes_zero})
        row["date"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        record["steps"] = [r for r in record["steps"] if r["step"] != row["step"]] + [row]
        print(json.dumps({k: row[k] for k in ("step", "change", "tune_map_voc07", "gain", "kept", "why")
                          if k in row}), flush=True)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(record, indent=2) + "\n")

    for number, (name, change, reason, rival) in enumerate(STEPS):
        base_setup, base_scores = (kept, kept_scores) if rival is None else state[rival][2:]
        setup = {**base_setup, **change}
        print(f"== step {number}: {name}", flush=True)
        model, seconds = train(setup, plan, args.epochs, args.batch_size, args.seed)
        scores = tune_scores(model, plan, setup["image_size"])
        state[number] = (setup, scores, base_setup, base_scores)
        gain = None if base_scores is None else boot.difference(scores, base_scores)
        # The path is fixed: every change stays (it is the improved network's), and the row says what its interval shows.
        keep = True
        if gain is None:
            why = "the first row"
        elif gain.low > 0:
            why = "kept: its gain's interval leaves out 0"
        elif gain.high >= 0:
            why = f"kept within noise: {reason or 'part of the improved network'}"
        else:
            why = f"a loss at this step; kept as part of the improved network ({reason or 'the steps after it build on it'})"
        row = {"step": number, "change": name, "setup": dict(setup), "epochs": args.epochs,
               "train_seconds": round(seconds, 1), "kept": keep, "why": why}
        if rival is not None:
            other = next(r for r in record["steps"] if r["step"] == rival)
            keep = metrics.mean_average_precision(y_tune, scores) > other["tune_map_voc07"]  # the higher of the two stays
            loser = other if keep else row
            loser.update(kept=False, why="not kept: the other crop setting scored higher on tune "
                                         f"(their difference: {boot.difference(scores, state[rival][1]).signed()})")
            row["kept"] = keep
        add(row, scores, base_scores)
        if rival is not None:
            add(other, state[rival][1], state[rival][3])  # rewrite the rival's row with its final verdict
        if row["kept"]:
            kept, kept_scores = setup, scores
        elif rival is not None:  # the rival stays: go on from it
            kept, kept_scores = state[rival][0], state[rival][1]
        keras.backend.clear_session()
    print("== flip test-time augmentation (the last model, no retraining)", flush=True)
    flipped = tune_scores(model, plan, kept["image_size"], flip=True) if model is not None else None
    flip_gain = boot.difference(flipped, kept_scores) if flipped is not None else None
    clear = flip_gain is not None and flip_gain.low > 0
    flip_why = "twice the inference, for " + ("a gain whose interval leaves out 0" if clear
                                               else "no clear gain at this budget")
    add({"step": len(STEPS), "change": "flip test-time augmentation: each image and its mirror, scores averaged",
         "setup": dict(kept), "epochs": args.epochs, "train_seconds": 0.0, "kept": True,
         "why": flip_why}, flipped, kept_scores)
    print("== the last configuration in float32 (speed only: its mAP change is the noise of retraining)", flush=True)
    fast_seconds = next(r["train_seconds"] for r in sorted(record["steps"], key=lambda r: -r["step"])
                        if r.get("kept") and r["train_seconds"])
    model, seconds = train({**kept, "precision": "float32"}, plan, args.epochs, args.batch_size, args.seed)
    add({"step": len(STEPS) + 1, "change": "the same in float32 instead of bfloat16 (speed only)",
         "setup": {**kept, "precision": "float32"}, "epochs": args.epochs, "train_seconds": round(seconds, 1),
         "kept": False, "why": f"bfloat16 trains {seconds / fast_seconds:.1f}x as fast"},
        tune_scores(model, plan, kept["image_size"]), kept_scores)
    print(f"written to {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How many of the transfer model's "false positives" hold the object, unlabelled: a check made by looking.

Notebook 07 shows, for a few classes, the most confident false positives of notebook 05's model. A false positive
may be the label's mistake (the object is in the picture, nobody labelled it) or the model's (it fired on the
company the class keeps, or on a look-alike). Only looking tells them apart, so this script draws the images to
look at and keeps what the reviewer saw; 07 prints the counts.

    python benchmarks/missing_labels.py --sample     # writes results/full/missing_labels_check.json, verdicts empty
    (look at each image, fill in its "verdict": one of VERDICTS)
    python benchmarks/missing_labels.py              # checks the file and prints the counts

The sample, per class of notebook 07's gallery: its two most confident false positives (the gallery's) and eight
more drawn at random (seed 0) from its other false positives at the tuned threshold, on the evaluate half of
``val``, from the committed full-profile results (``results/full/transfer/``).
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import results
from helpers.voc import CLASSES

CLASSES_LOOKED_AT = ("chair", "bottle", "diningtable", "cow")  # notebook 07's GALLERY_CLASSES
IN_GALLERY, DRAWN = 2, 8
VERDICTS = {
    "unlabelled": "the object is in the picture, plainly enough to label: a missing label",
    "partly there": "a part of one (a table's edge, a chair's back, a bottle half hidden): arguable either way",
    "not there": "no such object: the model fired on the scene or a look-alike",
}
PROFILE_DIR = Path(__file__).resolve().parents[1] / "results" / "full"
CHECK_FILE = PROFILE_DIR / "missing_labels_check.json"


def sample(profile_dir: Path = PROFILE_DIR, seed: int = 0) -> list[dict]:
    """The images to look at: per class, the gallery's false positives and a random draw of the others."""
    labels, image_ids = results.load_labels(profile_dir)
    model_dir = profile_dir / "transfer"
    scores = results.load_scores(model_dir).set_index("image_id").loc[image_ids, list(CLASSES)].to_numpy()
    thresholds = json.loads((model_dir / "metrics.json").read_text())["thresholds_tuned"]
    rng = np.random.default_rng(seed)
    rows = []
    for name in CLASSES_LOOKED_AT:
        k = CLASSES.index(name)
        false_pos = np.flatnonzero((labels[:, k] == -1) & (scores[:, k] >= thresholds[name]))
        ranked = false_pos[np.argsort(-scores[false_pos, k], kind="stable")]
        drawn = rng.choice(ranked[IN_GALLERY:], size=min(DRAWN, max(len(ranked) - IN_GALLERY, 0)), replace=False)
        for r, in_gallery in [*((r, True) for r in ranked[:IN_GALLERY]), *((r, False) for r in drawn)]:
            rows.append({"class": name, "image_id": image_ids[r], "score": round(float(scores[r, k]), 3),
                         "in_gallery": in_gallery, "false_positives_of_class": int(len(false_pos)),
                         "labelled": [c for c, v in zip(CLASSES, labels[r]) if v == 1], "verdict": None})
    return rows


def summary(check: dict) -> pd.DataFrame:
    """Per class: how many images were looked at, and how many got each verdict."""
    frame = pd.DataFrame(check["images"])
    unknown = set(frame["verdict"].dropna()) - set(VERDICTS)
    if frame["verdict"].isna().any() or unknown:
        raise ValueError(f"every image needs one of the verdicts {list(VERDICTS)}; "
                         f"{int(frame['verdict'].isna().sum())} are empty, unknown ones: {sorted(unknown)}")
    table = frame.groupby(["class", "verdict"]).size().unstack(fill_value=0).reindex(columns=list(VERDICTS),
                                                                                      fill_value=0)
    table.insert(0, "looked at", table.sum(axis=1))
    return table.loc[[c for c in CLASSES_LOOKED_AT if c in table.index]]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", action="store_true", help="write the images to look at, verdicts empty")
    args = parser.parse_args(argv)
    if args.sample:
        check = {"profile": "full", "model": "transfer", "split": "evaluate half of val",
                 "rule": __doc__.split("The sample, ")[1].split("\n\n")[0].replace("\n", " "),
                 "verdicts": VERDICTS, "looked_by": "one reviewer, by eye, each photo at full size",
                 "date": date.today().isoformat(), "images": sample()}
        CHECK_FILE.write_text(json.dumps(check, indent=1) + "\n")
        print(f"wrote {len(check['images'])} images to look at into {CHECK_FILE.relative_to(PROFILE_DIR.parents[1])}")
        return 0
    print(summary(json.loads(CHECK_FILE.read_text())).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

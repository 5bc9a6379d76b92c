"""The bootstrap interval of mAP: how fast it is, and which interval method covers.

Two measurements, printed and written to ``results/benchmarks/bootstrap.json``:

* **speed**: 1,000 resamples of 20 classes on as many images as the evaluate half of
  VOC's ``val`` (1,256), all at once (:class:`helpers.metrics.Bootstrap`), against a
  plain loop that writes each resample out and recomputes mAP; both in this process.
* **coverage**: a synthetic population of images whose mAP is known (computed on
  200,000 images), samples of 1,256 images drawn from it, and how often each
  interval method (percentile, basic, BCa) holds the population's mAP, with the mean
  width: a 95 % interval should hold it 95 times in 100.

    python benchmarks/bootstrap.py               # about 3 minutes on 2 cores
    python benchmarks/bootstrap.py --samples 40  # a quicker, rougher coverage figure
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np

from helpers import metrics, results

# Per-class shares of positives on the evaluate half of VOC 2007's val (person down to sheep).
PREVALENCE = np.array([0.40, 0.14, 0.09, 0.09, 0.07, 0.06, 0.06, 0.05, 0.05, 0.05,
                       0.05, 0.05, 0.05, 0.045, 0.04, 0.04, 0.04, 0.035, 0.03, 0.02])


def population(n_images: int, separation: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Labels (1 / -1) drawn at :data:`PREVALENCE` and scores that separate them by
    ``separation`` standard deviations (a binormal model)."""
    rng = np.random.default_rng(seed)
    labels = np.where(rng.random((n_images, len(PREVALENCE))) < PREVALENCE, 1, -1)
    scores = rng.normal(size=labels.shape) + separation * (labels == 1)
    return labels, scores


def speed(n_images: int, draws: int) -> dict:
    labels, scores = population(n_images, 1.5, seed=0)
    start = time.perf_counter()
    metrics.Bootstrap(labels, draws=draws, interval="percentile").map(scores)
    vectorised = time.perf_counter() - start
    start = time.perf_counter()
    counts = metrics.resample_counts(n_images, draws, seed=0)
    for row in counts:
        rows = np.repeat(np.arange(n_images), row)
        metrics.mean_average_precision(labels[rows], scores[rows])
    loop = time.perf_counter() - start
    start = time.perf_counter()
    metrics.Bootstrap(labels, draws=draws).map(scores)
    bca = time.perf_counter() - start
    return {"images": n_images, "classes": len(PREVALENCE), "draws": draws, "vectorised_seconds": round(vectorised, 2),
            "plain_loop_seconds": round(loop, 2), "speed_up": round(loop / vectorised, 1),
            "bca_with_jackknife_seconds": round(bca, 2)}


def coverage(n_images: int, samples: int, draws: int, separation: float) -> dict:
    """How often each method's 95 % interval holds the population mAP."""
    labels, scores = population(200_000, separation, seed=1)
    truth = metrics.mean_average_precision(labels, scores)
    rng = np.random.default_rng(2)
    bounds = {method: [] for method in metrics.INTERVAL_METHODS}
    estimates = []
    for sample in range(samples):
        rows = rng.choice(len(labels), n_images, replace=False)
        boot = metrics.Bootstrap(labels[rows], draws=draws, seed=sample)
        estimate, replicates, jackknife = boot._replicates(scores[rows])
        estimates.append(estimate)
        for method in metrics.INTERVAL_METHODS:
            bounds[method].append(metrics._interval(estimate, replicates, jackknife, 0.95, method))
    expected = float(np.mean(estimates))  # what a sample of this size gives on average: mAP's own bias shows here
    held = {m: float(np.mean([low <= truth <= high for low, high in b])) for m, b in bounds.items()}
    held_expected = {m: float(np.mean([low <= expected <= high for low, high in b])) for m, b in bounds.items()}
    return {"population_map": round(truth, 4), "mean_sample_map": round(expected, 4),
            "samples": samples, "images_per_sample": n_images, "draws": draws,
            "coverage": {m: round(v, 3) for m, v in held.items()},
            "coverage_of_mean_sample_map": {m: round(v, 3) for m, v in held_expected.items()},
            "mean_width": {m: round(float(np.mean([h - l for l, h in b])), 4) for m, b in bounds.items()}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=1256)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=200, help="samples for the coverage figure")
    parser.add_argument("--separation", type=float, default=1.5, help="how far positives score above negatives")
    parser.add_argument("--output", type=Path, default=Path("results/benchmarks/bootstrap.json"))
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # resamples without a positive of the rarest class: counted, not printed
        timing = speed(args.images, args.draws)
        print(f"{args.draws} resamples, {timing['classes']} classes, {args.images} images: "
              f"{timing['vectorised_seconds']:.2f} s at once against {timing['plain_loop_seconds']:.2f} s in a plain "
              f"loop ({timing['speed_up']:.1f}x); with BCa's jackknife {timing['bca_with_jackknife_seconds']:.2f} s")
        covered = coverage(args.images, args.samples, args.draws, args.separation)
    print(f"population mAP {covered['population_map']:.4f}, mean over samples {covered['mean_sample_map']:.4f}")
    for method in metrics.INTERVAL_METHODS:
        print(f"  {method:>10}: held the population mAP in {covered['coverage'][method]:.0%} of "
              f"{args.samples} samples (the mean sample mAP in {covered['coverage_of_mean_sample_map'][method]:.0%}), "
              f"mean width {covered['mean_width'][method]:.3f}")
    results.write_benchmark(args.output, {"speed": timing, "coverage": covered})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

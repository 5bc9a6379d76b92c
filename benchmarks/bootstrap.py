"""The bootstrap interval of mAP: how fast it is, and which interval method covers.

Two measurements, printed and written to ``results/benchmarks/bootstrap.json``:

* **speed**: 1,000 resamples of 20 classes on as many images as the evaluate half of
  VOC's ``val`` (1,256), all at once (:class:`helpers.metrics.Bootstrap`), against a
  plain loop that writes each resample out and recomputes mAP; both in this process.
* **coverage**: synthetic populations of images whose mAP is known (computed on
  200,000 images), at three levels of mAP; samples of 1,256 images drawn from each,
  and how often each interval method (percentile, basic, BCa) holds the
  population's mAP, and the population's difference between two correlated models
  (the paired interval, which the series' verdicts use): a 95 % interval should
  hold it 95 times in 100.

    python benchmarks/bootstrap.py               # about 10 minutes on 2 cores
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


def population(n_images: int, separation: float, seed: int, gap: float = 0.0):
    """Labels (1 / -1) drawn at :data:`PREVALENCE`, scores that separate them by
    ``separation`` standard deviations (a binormal model), and a second model's
    scores that share most of the first one's noise and separate by ``gap`` more."""
    rng = np.random.default_rng(seed)
    labels = np.where(rng.random((n_images, len(PREVALENCE))) < PREVALENCE, 1, -1)
    shared, own = rng.normal(size=labels.shape), rng.normal(size=labels.shape)
    scores = shared + separation * (labels == 1)
    other = 0.8 * shared + 0.6 * own + (separation + gap) * (labels == 1)
    return labels, scores, other


def speed(n_images: int, draws: int) -> dict:
    labels, scores, _ = population(n_images, 1.5, seed=0)
    start = time.perf_counter()
    metrics.Bootstrap(labels, draws=draws).map(scores)  # the series' basic interval
    vectorised = time.perf_counter() - start
    start = time.perf_counter()
    counts = metrics.resample_counts(n_images, draws, seed=0)
    for row in counts:
        rows = np.repeat(np.arange(n_images), row)
        metrics.mean_average_precision(labels[rows], scores[rows])
    loop = time.perf_counter() - start
    start = time.perf_counter()
    metrics.Bootstrap(labels, draws=draws, interval="bca").map(scores)
    bca = time.perf_counter() - start
    return {"images": n_images, "classes": len(PREVALENCE), "draws": draws, "vectorised_seconds": round(vectorised, 2),
            "plain_loop_seconds": round(loop, 2), "speed_up": round(loop / vectorised, 1),
            "bca_with_jackknife_seconds": round(bca, 2)}


def coverage(n_images: int, samples: int, draws: int, separation: float, gap: float = 0.15) -> dict:
    """How often each method's 95 % interval holds the population's mAP, and the
    population's difference between the two models (paired)."""
    labels, scores, other = population(200_000, separation, seed=1, gap=gap)
    truth = metrics.mean_average_precision(labels, scores)
    true_difference = metrics.mean_average_precision(labels, other) - truth
    rng = np.random.default_rng(2)
    single = {method: [] for method in metrics.INTERVAL_METHODS}
    paired = {method: [] for method in metrics.INTERVAL_METHODS}
    estimates = []
    for sample in range(samples):
        rows = rng.choice(len(labels), n_images, replace=False)
        boot = metrics.Bootstrap(labels[rows], draws=draws, seed=sample, interval="bca")  # BCa needs the jackknife
        estimate, replicates, jackknife = boot._replicates(scores[rows])
        other_estimate, other_replicates, other_jackknife = boot._replicates(other[rows])
        estimates.append(estimate)
        for method in metrics.INTERVAL_METHODS:
            low, high = metrics._interval(estimate, replicates, jackknife, 0.95, method)
            single[method].append((low <= truth <= high, high - low))
            low, high = metrics._interval(other_estimate - estimate, other_replicates - replicates,
                                          other_jackknife - jackknife, 0.95, method)
            paired[method].append((low <= true_difference <= high, high - low))

    def share(found):
        return {m: round(float(np.mean([held for held, _ in v])), 3) for m, v in found.items()}

    return {"population_map": round(truth, 4), "mean_sample_map": round(float(np.mean(estimates)), 4),
            "population_difference": round(true_difference, 4), "samples": samples, "images_per_sample": n_images,
            "draws": draws, "separation": separation, "coverage": share(single), "coverage_of_difference": share(paired),
            "mean_width": {m: round(float(np.mean([w for _, w in v])), 4) for m, v in single.items()}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=1256)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=200, help="samples for the coverage figure")
    parser.add_argument("--separations", type=float, nargs="*", default=[0.8, 1.5, 3.0],
                        help="how far positives score above negatives: mAP about 0.2, 0.4 and 0.8")
    parser.add_argument("--output", type=Path, default=Path("results/benchmarks/bootstrap.json"))
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # resamples without a positive of the rarest class: counted, not printed
        timing = speed(args.images, args.draws)
        print(f"{args.draws} resamples, {timing['classes']} classes, {args.images} images: "
              f"{timing['vectorised_seconds']:.2f} s at once against {timing['plain_loop_seconds']:.2f} s in a plain "
              f"loop ({timing['speed_up']:.1f}x); with BCa's jackknife {timing['bca_with_jackknife_seconds']:.2f} s")
        levels = []
        for separation in args.separations:
            covered = coverage(args.images, args.samples, args.draws, separation)
            levels.append(covered)
            print(f"population mAP {covered['population_map']:.3f} (mean over samples of {args.images} images "
                  f"{covered['mean_sample_map']:.3f}); a second model {covered['population_difference']:+.3f} better:")
            for method in metrics.INTERVAL_METHODS:
                print(f"  {method:>10}: held the mAP in {covered['coverage'][method]:.0%} of {args.samples} samples "
                      f"(mean width {covered['mean_width'][method]:.3f}), the paired difference in "
                      f"{covered['coverage_of_difference'][method]:.0%}")
    results.write_benchmark(args.output, {"speed": timing, "coverage": levels})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Results committed to the repository, for a notebook that runs where the
notebooks before it did not (a Colab badge gives each notebook its own machine).

:func:`local_or_committed` returns the local results folder of a profile when
it holds any model's results, else fetches the files committed at the same git
ref as the notebook (:data:`helpers.links.GIT_REF`) into a folder of their own,
says so, and returns that folder.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from pathlib import Path

from helpers import links
from helpers.report import MODEL_NAMES

SHARED_FILES = ("run_times.json", "ablation_model3.json", "imbalance_variants.json")
MODEL_FILES = ("metrics.json", "scores.csv")


def committed_files(models=tuple(MODEL_NAMES)) -> list[str]:
    """Paths, relative to ``results/<profile>/``, that a comparison may read."""
    return list(SHARED_FILES) + [f"{model}/{name}" for model in models for name in MODEL_FILES]


def fetch_committed(profile: str, dest: str | os.PathLike, base_url: str | None = None,
                    timeout: float = 30) -> list[str]:
    """Copy the committed ``results/<profile>/`` files into ``dest``; return the
    paths fetched. Files the repository does not have are skipped; no
    connection at all raises ``ConnectionError`` with a way out."""
    base_url = base_url or links.raw_url(f"results/{profile}")
    if os.environ.get("VOC_NO_FETCH"):
        raise ConnectionError(f"fetching from {base_url} is switched off (VOC_NO_FETCH is set, as in the tests)")
    dest = Path(dest)
    fetched = []
    for relative in committed_files():
        url = f"{base_url}/{relative}"
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                content = response.read()
        except urllib.error.HTTPError:  # not committed (e.g. a model this ref has no results for)
            continue
        except (urllib.error.URLError, OSError) as error:
            if isinstance(getattr(error, "reason", None), FileNotFoundError):  # a file:// base without it
                continue
            raise ConnectionError(
                f"Could not reach {base_url} ({error}). Run the notebooks before this one in this profile, "
                "here, or put their results folder in place (VOC_RESULTS_DIR).") from error
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        fetched.append(relative)
    return fetched


def local_or_committed(results_dir: str | os.PathLike, profile: str, base_url: str | None = None) -> Path:
    """``results_dir/<profile>`` if any model has results there; else the
    results committed at this ref, fetched into ``results_dir/committed/<ref>/<profile>``
    (with a message saying so). Offline or nothing committed: the local folder,
    with a message."""
    local = Path(results_dir) / profile
    if any(local.glob("*/metrics.json")):
        return local
    copy = Path(results_dir) / "committed" / links.GIT_REF / profile
    source = base_url or links.raw_url(f"results/{profile}")
    try:
        fetched = fetch_committed(profile, copy, base_url)
    except ConnectionError as error:
        print(f"No local results for the {profile!r} profile, and the committed ones could not be fetched: {error}")
        return local
    if not any(name.endswith("metrics.json") for name in fetched):
        print(f"No local results for the {profile!r} profile, and the repository has none committed at "
              f"{links.GIT_REF!r}: run the notebooks before this one in this profile first.")
        return local
    models = sorted({name.split("/")[0] for name in fetched if name.endswith("metrics.json")})
    print(f"No local results for the {profile!r} profile: reading the results committed to the repository at "
          f"{links.GIT_REF!r} ({source}): {', '.join(models)}. They were made by the series' own run, on the "
          "machine each results file names, not in this session.")
    return copy


def with_committed(records: dict[str, dict], results_dir: str | os.PathLike, profile: str, models,
                   base_url: str | None = None) -> dict[str, dict]:
    """``records`` plus, for the ``models`` it lacks, the results committed at this
    ref (fetched once into ``results_dir/committed/<ref>/<profile>``), with a
    message naming them. Offline or not committed: ``records`` as they are, said."""
    from helpers.results import load_results

    missing = [model for model in models if model not in records]
    if not missing:
        return records
    copy = Path(results_dir) / "committed" / links.GIT_REF / profile
    try:
        if not any(copy.glob("*/metrics.json")):
            fetch_committed(profile, copy, base_url)
        found = {name: record for name, record in load_results(copy).items() if name in missing}
    except (ConnectionError, FileNotFoundError) as error:
        print(f"Not on this machine, and not fetched from the repository ({error}): {', '.join(missing)}.")
        return records
    if found:
        print(f"Not on this machine, read from the results committed at {links.GIT_REF!r}: {', '.join(sorted(found))}.")
    return {**records, **found}

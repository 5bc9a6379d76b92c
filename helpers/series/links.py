"""Colab and GitHub links, all built from one repository setting.

Change :data:`REPOSITORY` or :data:`GIT_REF` here, then run
``python -m helpers.series.links --write`` to rewrite the links in the README and
in every notebook; ``python -m helpers.series.links`` (and the tests) check them.
Releasing a tag: ``python -m helpers.series.links --release v1.0`` sets
:data:`GIT_REF` in this file and rewrites every badge and install line, so
the tagged notebooks install the helpers of their own tag.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

REPOSITORY = "voc-multilabel/voc2007-multilabel-tutorial"
"""GitHub ``owner/name`` of the series."""

GIT_REF = "main"
"""The branch or tag that notebooks opened from Colab install the helpers from."""

PACKAGE = "voc-multilabel-helpers"

_LINK = re.compile(r"https://(?:colab\.research\.google\.com/github|github\.com)/[\w.-]+/[\w.-]+/blob/"
                   r"[\w.-]+/notebooks/[\w.-]+\.ipynb")
_PIP = re.compile(re.escape(PACKAGE) + r" @ git\+https://github\.com/[\w.-]+/[\w.-]+@[\w./-]+")


def colab_url(path: str) -> str:
    """The "Open in Colab" address of a file given by its path in the repository."""
    return f"https://colab.research.google.com/github/{REPOSITORY}/blob/{GIT_REF}/{path}"


def raw_url(path: str) -> str:
    """The address of a file's content at :data:`GIT_REF`, given its path in the repository."""
    return f"https://raw.githubusercontent.com/{REPOSITORY}/{GIT_REF}/{path}"


def github_url(path: str) -> str:
    """The GitHub address of a file given by its path in the repository."""
    return f"https://github.com/{REPOSITORY}/blob/{GIT_REF}/{path}"


def pip_requirement() -> str:
    """What Colab installs: the helpers from the same git ref as the notebooks."""
    return f"{PACKAGE} @ git+https://github.com/{REPOSITORY}@{GIT_REF}"


def button_row(path: str) -> str:
    """Markdown for the "Run in Colab" / "View on GitHub" buttons of a notebook."""
    return (f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab_url(path)}) "
            f"[![View on GitHub](https://img.shields.io/badge/view%20on-GitHub-181717?logo=github)]"
            f"({github_url(path)})")


def _expected(url: str) -> str:
    path = "notebooks/" + url.rsplit("/notebooks/", 1)[1]
    return colab_url(path) if "colab.research" in url else github_url(path)


def _fix(text: str) -> str:
    text = _LINK.sub(lambda m: _expected(m.group(0)), text)
    return _PIP.sub(pip_requirement(), text)


def link_problems(text: str, where: str, own_path: str | None = None) -> list[str]:
    """Links in ``text`` that do not match the setting; with ``own_path``, a
    notebook must also link to itself and install the helpers from git."""
    problems = [f"{where}: {m.group(0)} should be {_expected(m.group(0))}"
                for m in _LINK.finditer(text) if m.group(0) != _expected(m.group(0))]
    problems += [f"{where}: {m.group(0)!r} should be {pip_requirement()!r}"
                 for m in _PIP.finditer(text) if m.group(0) != pip_requirement()]
    if own_path is not None:
        if colab_url(own_path) not in text:
            problems.append(f"{where}: no Colab button for its own path {own_path}")
        if pip_requirement() not in text:
            problems.append(f"{where}: its setup cell does not install {pip_requirement()}")
    return problems


def check(root: Path) -> list[str]:
    """Every link problem in the README and the notebooks under ``root``."""
    problems = link_problems((root / "README.md").read_text(), "README.md")
    for notebook in sorted((root / "notebooks").glob("*.ipynb")):
        cells = json.loads(notebook.read_text())["cells"]
        source = "\n".join("".join(cell["source"]) for cell in cells)
        problems += link_problems(source, str(notebook.relative_to(root)),
                                  own_path=notebook.relative_to(root).as_posix())
    return problems


def write(root: Path) -> None:
    """Rewrite the links in the README and the notebooks to match the setting."""
    readme = root / "README.md"
    readme.write_text(_fix(readme.read_text()))
    for notebook in sorted((root / "notebooks").glob("*.ipynb")):
        data = json.loads(notebook.read_text())
        for cell in data["cells"]:
            source = "".join(cell["source"])
            fixed = _fix(source)
            if fixed != source:
                cell["source"] = fixed.splitlines(keepends=True)
        notebook.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n")  # as nbformat writes


def release(root: Path, ref: str) -> None:
    """Set :data:`GIT_REF` to ``ref`` in ``root``'s ``helpers/series/links.py`` (and in
    this process), then rewrite every link under ``root`` to match."""
    global GIT_REF
    if not re.fullmatch(r"[\w.-]+", ref):  # what the link patterns accept: no "/" in a ref
        raise ValueError(f"{ref!r} is not a git branch or tag name.")
    settings = root / "helpers" / "series" / "links.py"
    text, count = re.subn(r'^GIT_REF = "[^"]*"', f'GIT_REF = "{ref}"', settings.read_text(), count=1, flags=re.M)
    if count != 1:
        raise ValueError(f"no GIT_REF setting found in {settings}")
    settings.write_text(text)
    GIT_REF = ref
    write(root)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("."), help="the checkout (default: .)")
    parser.add_argument("--write", action="store_true", help="rewrite the links instead of checking them")
    parser.add_argument("--release", metavar="REF", help="set GIT_REF to this tag or branch and rewrite the links")
    args = parser.parse_args(argv)
    if args.release:
        release(args.root, args.release)
    elif args.write:
        write(args.root)
    problems = check(args.root)
    print("\n".join(problems) or "All Colab, GitHub and install links match the repository setting.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

import json
import re
from pathlib import Path

import pytest

from helpers.series import links

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands():
    return re.findall(r"```bash\n(.+?)\n```", (ROOT / "README.md").read_text())


def test_ci_runs_exactly_the_readme_test_command():
    test_command = next(c for c in _readme_commands() if c.endswith("python -m pytest"))
    assert test_command in (ROOT / ".ci" / "run").read_text().splitlines()


def test_readme_gives_a_command_that_runs_the_whole_series():
    assert any(c.endswith("python -m helpers.series") for c in _readme_commands())


def test_every_link_matches_the_repository_setting_and_its_own_file():
    assert links.check(ROOT) == []


def test_every_notebook_is_in_the_readme_index_with_its_colab_badge():
    readme = (ROOT / "README.md").read_text()
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        path = notebook.relative_to(ROOT).as_posix()
        assert f"]({path})" in readme and links.colab_url(path) in readme, path


def test_a_link_to_another_file_or_repository_is_reported_and_fixed(tmp_path):
    (tmp_path / "notebooks").mkdir()
    wrong = links.colab_url("notebooks/00_x.ipynb").replace(links.REPOSITORY, "someone/else")
    (tmp_path / "README.md").write_text(f"[badge]({wrong})\n")
    cell = {"cell_type": "markdown", "metadata": {}, "source": [f"[badge]({wrong})"]}
    (tmp_path / "notebooks" / "00_x.ipynb").write_text(json.dumps({"cells": [cell], "metadata": {},
                                                                   "nbformat": 4, "nbformat_minor": 5}))
    problems = links.check(tmp_path)
    assert any("README.md" in p and "someone/else" in p for p in problems)
    assert any("its setup cell does not install" in p for p in problems)
    links.write(tmp_path)
    assert links.colab_url("notebooks/00_x.ipynb") in (tmp_path / "README.md").read_text()
    assert [p for p in links.check(tmp_path) if "someone/else" in p] == []


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_each_notebook_has_one_parameters_cell_and_no_stored_errors(notebook):
    cells = json.loads(notebook.read_text())["cells"]
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    source = "".join(tagged[0]["source"])
    assert 'PROFILE = "tiny"  # @param ["tiny", "small", "full"]' in source  # the Colab form field ...
    assert "config.read_profile(default=PROFILE)" in source  # ... which VOC_PROFILE overrides
    assert not [o for c in cells for o in c.get("outputs", []) if o.get("output_type") == "error"]


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_committed_notebooks_show_no_machine_paths_and_no_unfilled_figures(notebook):
    cells = json.loads(notebook.read_text())["cells"]
    text = "\n".join("".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
                     for c in cells for o in c.get("outputs", []))
    assert not re.search(r"(^|[\s'\"(])/(work|tmp|home|root|Users)/", text), "an absolute path in the outputs"
    assert "RUNTIME_" not in "".join("".join(c["source"]) for c in cells)


def test_releasing_a_tag_rewrites_every_badge_and_install_line(tmp_path, monkeypatch):
    monkeypatch.setattr(links, "GIT_REF", links.GIT_REF)  # restored after the test
    (tmp_path / "helpers" / "series").mkdir(parents=True)
    (tmp_path / "helpers" / "series" / "links.py").write_text((ROOT / "helpers" / "series" / "links.py").read_text())
    (tmp_path / "README.md").write_text((ROOT / "README.md").read_text())
    (tmp_path / "notebooks").mkdir()
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        (tmp_path / "notebooks" / notebook.name).write_text(notebook.read_text())
    assert links.main(["--root", str(tmp_path), "--release", "v9.9"]) == 0
    assert 'GIT_REF = "v9.9"' in (tmp_path / "helpers" / "series" / "links.py").read_text()
    for notebook in sorted((tmp_path / "notebooks").glob("*.ipynb")):
        text = notebook.read_text()
        path = f"notebooks/{notebook.name}"
        assert f"/blob/v9.9/{path}" in text and "@v9.9" in text and "@main" not in text, notebook.name
        assert links.link_problems("".join("".join(c["source"]) for c in json.loads(text)["cells"]),
                                   notebook.name, own_path=path) == []
    assert "/blob/main/" not in (tmp_path / "README.md").read_text()
    for bad in ("v1; rm -rf /", "feature/x"):  # the links' patterns take no "/" in a ref
        with pytest.raises(ValueError, match="not a git branch or tag"):
            links.release(tmp_path, bad)


SETUP_KEEPS_COLABS_STACK = 'keep = " ".join(f"{name}=={version(name)}" for name in ("tensorflow", "keras"))'
TRAINING_NOTEBOOKS = ("01", "02", "03", "05", "06")


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_colab_setup_keeps_tensorflow_and_keras_and_training_notebooks_ask_for_a_gpu(notebook):
    data = json.loads(notebook.read_text())
    setup = "".join(data["cells"][3]["source"])
    assert SETUP_KEEPS_COLABS_STACK in setup and "{keep}" in setup and "%pip install" in setup
    assert "environment.use_google_drive()" in setup and "# @param {type:\"boolean\"}" in setup
    assert "print_stack()" in "".join(data["cells"][4]["source"])
    wants_gpu = notebook.name[:2] in TRAINING_NOTEBOOKS
    assert (data["metadata"].get("accelerator") == "GPU") == wants_gpu
    assert (data["metadata"].get("colab", {}).get("gpuType") == "T4") == wants_gpu


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_each_notebook_ends_with_a_summary_and_four_to_eight_exercises_with_checks_that_run(notebook):
    cells = json.loads(notebook.read_text())["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert "## Summary" in text and "## Exercises" in text
    exercises = text[text.index("## Exercises"):]
    numbered = set(re.findall(r"^(\d+)\. ", exercises, re.M)) | set(re.findall(r"^\*\*(\d+)\.\*\*", exercises, re.M))
    assert 4 <= len(numbered) <= 8, sorted(numbered, key=int)
    checks = [c for c in cells if c["cell_type"] == "code" and "exercises.check_" in "".join(c["source"])]
    for check in checks:  # the committed run shows each check's verdict (unanswered: "Not answered yet")
        assert any("Not answered yet" in "".join(o.get("text", "")) for o in check.get("outputs", [])), check["source"]

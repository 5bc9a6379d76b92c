import subprocess
import sys


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_describing_the_machine_does_not_import_tensorflow():
    out = _run("import sys; from helpers import config, environment, metrics, plots, voc; "
               "print(environment.machine()); print('tensorflow' in sys.modules)")
    description, imported = out.splitlines()
    assert imported == "False" and "cores" in description and "GPU" not in description


CPUINFO = """processor\t: 0
vendor_id\t: GenuineIntel
cpu family\t: 6
model\t\t: 167
model name\t: Intel(R) Xeon(R) Processor
flags\t\t: fpu sse avx2 avx512f avx512bw avx512_bf16 amx_tile

processor\t: 1
model name\t: another block, not read
"""


def test_the_processor_is_named_with_the_instruction_sets_onednn_picks_kernels_by():
    from helpers import environment

    assert environment.cpu(CPUINFO) == "Intel(R) Xeon(R) Processor (family 6, model 167), avx512f avx512_bf16"
    older = CPUINFO.replace(" avx512f avx512bw avx512_bf16", "")
    assert environment.cpu(older).endswith(", none of avx512f avx512_bf16 amx_bf16")
    assert environment.cpu("") == "unknown processor (family ?, model ?), none of avx512f avx512_bf16 amx_bf16"


def test_the_quiet_import_keeps_tensorflow_start_up_lines_out_of_stderr():
    result = subprocess.run([sys.executable, "-c", "from helpers import environment; tf = environment.import_tensorflow(); "
                             "print(environment.machine())"], capture_output=True, text=True, check=True)
    assert "GPU" in result.stdout  # the device query ran
    assert "cuda" not in result.stderr.lower() and "absl" not in result.stderr.lower()


def test_the_stack_check_refuses_old_versions_and_notes_newer_ones():
    import pytest

    from helpers import environment

    assert environment.check_stack({"tensorflow": "2.20.0", "keras": "3.13.2"}) == []
    assert environment.check_stack({"tensorflow": "2.21.0", "keras": "3.15.1"}) == []
    with pytest.raises(environment.UnsupportedStack, match=r"tensorflow 2.19.1 is older .*2.20 to 2.21.*pip install"):
        environment.check_stack({"tensorflow": "2.19.1", "keras": "3.13.2"})
    with pytest.raises(environment.UnsupportedStack, match="keras is not installed"):
        environment.check_stack({"tensorflow": "2.20.0", "keras": "not installed"})
    notes = environment.check_stack({"tensorflow": "2.22.0rc1", "keras": "3.13.0"})
    assert len(notes) == 1 and "tensorflow 2.22.0rc1 is newer" in notes[0]


def test_the_installed_stack_is_a_tested_one():
    from helpers import environment

    assert environment.check_stack() == []


def test_google_drive_keeps_data_and_results(tmp_path, monkeypatch):
    import types

    from helpers import environment

    mounted = []
    drive = types.SimpleNamespace(mount=lambda point: mounted.append(point) or (tmp_path / "MyDrive").mkdir())
    colab = types.ModuleType("google.colab")
    colab.drive = drive
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    monkeypatch.setitem(sys.modules, "google", types.ModuleType("google"))
    monkeypatch.delenv("VOC_DATA_DIR", raising=False)
    monkeypatch.delenv("VOC_RESULTS_DIR", raising=False)
    base = environment.use_google_drive("series", mount_point=str(tmp_path))
    assert mounted == [str(tmp_path)] and base == str(tmp_path / "MyDrive" / "series")
    import os

    assert os.environ["VOC_DATA_DIR"] == str(tmp_path / "MyDrive" / "series" / "data")
    assert os.path.isdir(os.environ["VOC_RESULTS_DIR"])

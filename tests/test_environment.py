import subprocess
import sys


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_describing_the_machine_does_not_import_tensorflow():
    out = _run("import sys; from helpers import config, environment, metrics, plots, voc; "
               "print(environment.machine()); print('tensorflow' in sys.modules)")
    description, imported = out.splitlines()
    assert imported == "False" and "cores" in description and "GPU" not in description


def test_the_quiet_import_keeps_tensorflow_start_up_lines_out_of_stderr():
    result = subprocess.run([sys.executable, "-c", "from helpers import environment; tf = environment.import_tensorflow(); "
                             "print(environment.machine())"], capture_output=True, text=True, check=True)
    assert "GPU" in result.stdout  # the device query ran
    assert "cuda" not in result.stderr.lower() and "absl" not in result.stderr.lower()

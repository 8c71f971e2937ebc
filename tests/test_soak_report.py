"""The soak's report edits only its own section of docs/BENCHMARKS.md."""

import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location("soak_report", os.path.join(ROOT, "tests_soak", "report.py"))
report = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(report)


def _read(path):
    with open(path, encoding="utf-8") as found:
        return found.read()


def test_a_missing_file_is_created_with_the_section_only(tmp_path):
    path = tmp_path / "docs" / "BENCHMARKS.md"
    report.write(str(path), report.TITLE + "\n\nfigures\n")
    assert _read(path) == report.TITLE + "\n\nfigures\n"


def test_the_section_is_replaced_and_the_others_kept(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    head, tail = "# Benchmarks\n\n## Bench\n\nbench figures\n\n", "\n## Later\n\nkept\n"
    path.write_text(head + report.TITLE + "\n\nold\n" + tail, encoding="utf-8")
    report.write(str(path), report.TITLE + "\n\nnew\n")
    assert _read(path) == head + report.TITLE + "\n\nnew\n" + tail


def test_the_section_is_added_after_the_others(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\n## Bench\n\nbench figures\n", encoding="utf-8")
    report.write(str(path), report.TITLE + "\n\nnew\n")
    assert _read(path) == "# Benchmarks\n\n## Bench\n\nbench figures\n\n" + report.TITLE + "\n\nnew\n"

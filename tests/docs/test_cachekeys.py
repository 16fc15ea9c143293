"""The keys of the docs build's caches (docs/_ext/minigluon_cachekeys.py, used by conf.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from minigluon_cachekeys import NUMERIC_ENV, PAGE_DATA, docs_code_key, execution_key

ROOT = Path(__file__).resolve().parents[2]


def test_the_execution_key_is_stable():
    assert execution_key(ROOT, {}) == execution_key(ROOT, {})
    assert execution_key(ROOT, {"UNRELATED": "1"}) == execution_key(ROOT, {})
    assert execution_key(ROOT, dict.fromkeys(NUMERIC_ENV, "")) == execution_key(ROOT, {})


@pytest.mark.parametrize("name, value", [
    ("NPY_DISABLE_CPU_FEATURES", "X86_V3"), ("NPY_ENABLE_CPU_FEATURES", "SSE42"),
    ("OPENBLAS_CORETYPE", "Haswell")])
def test_outputs_of_another_numeric_code_path_are_not_reused(name, value):
    # another SIMD or BLAS kernel changes the last bits of the results the pages show
    assert execution_key(ROOT, {name: value}) != execution_key(ROOT, {})


def test_the_library_and_conf_py_are_part_of_the_execution_key(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "conf.py").write_text("x = 1\n")
    (tmp_path / "src" / "lib.py").write_text("y = 1\n")
    before = execution_key(tmp_path, {})
    (tmp_path / "src" / "lib.py").write_text("y = 2\n")
    changed = execution_key(tmp_path, {})
    (tmp_path / "conf.py").write_text("x = 2\n")
    assert len({before, changed, execution_key(tmp_path, {})}) == 3


def test_the_pages_data_files_are_part_of_the_execution_key(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "conf.py").write_text("x = 1\n")
    without = execution_key(tmp_path, {})
    data = tmp_path / PAGE_DATA[0]
    data.parent.mkdir(parents=True)
    data.write_text("a = 1\n")
    first = execution_key(tmp_path, {})
    data.write_text("a = 2\n")
    assert len({without, first, execution_key(tmp_path, {})}) == 3
    assert (ROOT / PAGE_DATA[0]).exists(), "PAGE_DATA names a file the repository lacks"


def test_the_docs_code_key_follows_the_extensions(tmp_path):
    ext = tmp_path / "docs" / "_ext"
    ext.mkdir(parents=True)
    (ext / "one.py").write_text("a = 1\n")
    before = docs_code_key(tmp_path)
    assert docs_code_key(tmp_path) == before
    (ext / "one.py").write_text("a = 2\n")
    assert docs_code_key(tmp_path) != before
    assert docs_code_key(ROOT) == docs_code_key(ROOT)

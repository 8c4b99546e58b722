"""The built-in catalog's index (exercises/index.json): what the catalog shows of each file, read without parsing it,
and never trusted for a file that has changed since."""

from __future__ import annotations

import json
import shutil

from tutor.exercise import catalog_folder
from tutor.exercise.metadata import INDEX_FILE, index_text, read_metadata


def test_the_shipped_index_is_what_the_files_say():
    assert (catalog_folder() / INDEX_FILE).read_text(encoding="utf-8") == index_text(catalog_folder()), (
        "an exercise changed: rewrite the index with `python -m tutor.exercise.metadata exercises`"
    )


def _folder_with_index(tmp_path, names=("sigmoid-neuron-mse", "network-3-2-1-sigmoid")):
    for name in names:
        shutil.copy(catalog_folder() / f"{name}.toml", tmp_path / f"{name}.toml")
    (tmp_path / INDEX_FILE).write_text(index_text(tmp_path), encoding="utf-8")
    return tmp_path


def test_an_indexed_file_is_not_parsed_but_a_file_of_another_size_is(tmp_path):
    folder = _folder_with_index(tmp_path)
    index = json.loads((folder / INDEX_FILE).read_text(encoding="utf-8"))
    # the index is what is read: a title changed in the index alone is the title shown
    index["sigmoid-neuron-mse"]["title"] = "From the index"
    (folder / INDEX_FILE).write_text(json.dumps(index), encoding="utf-8")
    assert read_metadata(folder / "sigmoid-neuron-mse.toml").title == "From the index"
    # a file edited since (another size) is read itself
    path = folder / "network-3-2-1-sigmoid.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title = ", 'title = "Edited since" #', 1), encoding="utf-8")
    assert read_metadata(path).title == "Edited since"


def test_a_folder_with_a_broken_index_reads_its_files(tmp_path):
    shutil.copy(catalog_folder() / "sigmoid-neuron-mse.toml", tmp_path / "sigmoid-neuron-mse.toml")
    for number, broken in enumerate(("{not json", '{"sigmoid-neuron-mse": {"bytes": "x"}}', "[1, 2]")):
        folder = tmp_path / f"folder{number}"
        folder.mkdir()
        shutil.copy(tmp_path / "sigmoid-neuron-mse.toml", folder / "sigmoid-neuron-mse.toml")
        (folder / INDEX_FILE).write_text(broken, encoding="utf-8")
        metadata = read_metadata(folder / "sigmoid-neuron-mse.toml")
        assert metadata == read_metadata(catalog_folder() / "sigmoid-neuron-mse.toml")

"""The proof pack (chorus/proofpack.py): every file with its SHA-256 in the manifest and in SHA256SUMS, the same
files giving the same bytes, and a changed file found."""

import hashlib
import io
import json
import zipfile

import pytest

from chorus import proofpack

FILES = [("piece.pdf", b"%PDF-1.7 exact bytes"), ("body.json", b'{"numeroFactureSaisi": "S1-A4"}')]


def test_each_file_and_its_hash_is_in_the_pack():
    pack = proofpack.build(FILES, {"piece": "S1-A4"})
    with zipfile.ZipFile(io.BytesIO(pack)) as archive:
        assert archive.namelist() == ["piece.pdf", "body.json", "manifest.json", "SHA256SUMS"]
        listing = json.loads(archive.read("manifest.json"))
        sums = archive.read("SHA256SUMS").decode()
        for name, content in FILES:
            assert archive.read(name) == content
            digest = hashlib.sha256(content).hexdigest()
            assert {"name": name, "size": len(content), "sha256": digest} in listing["files"]
            assert f"{digest}  {name}\n" in sums
    assert listing["about"] == {"piece": "S1-A4"}
    assert proofpack.verify(pack) == []


def test_the_same_files_give_the_same_pack():
    assert proofpack.build(FILES) == proofpack.build(FILES)


def test_a_changed_file_is_found():
    pack = proofpack.build(FILES)
    source = zipfile.ZipFile(io.BytesIO(pack))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as forged:
        for name in source.namelist():
            forged.writestr(name, b"%PDF-1.7 changed" if name == "piece.pdf" else source.read(name))
    assert proofpack.verify(buffer.getvalue()) == ["piece.pdf"]


@pytest.mark.parametrize("files", [FILES + [("piece.pdf", b"x")], [("manifest.json", b"{}")]])
def test_names_are_unique_and_not_reserved(files):
    with pytest.raises(ValueError):
        proofpack.build(files)


def test_json_values_are_written_as_json():
    pack = proofpack.build([("answers.json", {"idFacture": 12, "statut": "DÉPOSÉE"})])
    with zipfile.ZipFile(io.BytesIO(pack)) as archive:
        assert json.loads(archive.read("answers.json")) == {"idFacture": 12, "statut": "DÉPOSÉE"}
    assert proofpack.verify(pack) == []

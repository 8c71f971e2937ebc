"""The proof pack of a deposited piece: a zip of the exact files exchanged with Chorus Pro and a manifest of their
SHA-256, so that anyone can check later that nothing was changed.

Pure module: no I/O, no Odoo. The same files always give the same zip (fixed entry dates and order).
"""

import hashlib
import io
import json
import zipfile

MANIFEST_NAME = "manifest.json"
CHECKSUMS_NAME = "SHA256SUMS"  # the format of sha256sum -c, to check the pack with a standard tool
_ENTRY_DATE = (1980, 1, 1, 0, 0, 0)  # zip's earliest date: the pack's bytes depend on its files only


def sha256(content):
    """The SHA-256 of bytes, as hexadecimal text."""
    return hashlib.sha256(content).hexdigest()


def manifest(files, about=None):
    """The manifest of (name, bytes) files: each name, size and SHA-256, and ``about`` (what the pack is of)."""
    return {
        "about": dict(about or {}),
        "files": [{"name": name, "size": len(content), "sha256": sha256(content)} for name, content in files],
    }


def _content(value):
    """Bytes as they are; any other value as indented UTF-8 JSON."""
    if isinstance(value, bytes):
        return value
    return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")


def build(files, about=None):
    """A zip of (name, content) files, plus manifest.json and SHA256SUMS of them; names must be unique.

    A content is bytes (kept exactly) or a JSON value (written as indented UTF-8 JSON).
    """
    files = [(name, _content(content)) for name, content in files]
    names = [name for name, _content in files]
    if len(set(names)) != len(names) or {MANIFEST_NAME, CHECKSUMS_NAME} & set(names):
        raise ValueError(f"The proof pack's file names must be unique and not reserved: {names}")
    listing = manifest(files, about)
    checksums = "".join(f"{entry['sha256']}  {entry['name']}\n" for entry in listing["files"])
    extra = [(MANIFEST_NAME, json.dumps(listing, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")),
             (CHECKSUMS_NAME, checksums.encode("ascii"))]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files + extra:
            archive.writestr(zipfile.ZipInfo(name, date_time=_ENTRY_DATE), content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def verify(pack):
    """The names of the files whose content no longer matches the pack's manifest ([] when the pack is intact)."""
    with zipfile.ZipFile(io.BytesIO(pack)) as archive:
        listing = json.loads(archive.read(MANIFEST_NAME))
        return [entry["name"] for entry in listing["files"]
                if entry["name"] not in archive.namelist() or sha256(archive.read(entry["name"])) != entry["sha256"]]

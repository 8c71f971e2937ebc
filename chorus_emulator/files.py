"""Checks and records of received files, shared by the handlers of ajouter/fichier, deposer/pdf and deposer/flux."""

import base64
import binascii
import hashlib

from .config import ALLOWED_EXTENSIONS
from .facts import MAX_FILE_BYTES, MAX_NAME_LENGTH
from .replies import business_error


def decode_file(encoded, field):
    """The bytes of a base64 file field; empty, too large or undecodable files are refused."""
    try:
        content = base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError):
        raise business_error("file_rejected", f"{field}: not valid base64") from None
    if not content:
        raise business_error("file_rejected", f"{field}: the file is empty")
    if len(content) >= MAX_FILE_BYTES:
        raise business_error("file_rejected", f"{field}: the file is {len(content)} bytes; it must be smaller than "
                             f"{MAX_FILE_BYTES} bytes")
    return content


def check_name(name, field, max_length=MAX_NAME_LENGTH):
    """Refuse a file name over max_length characters or without an allowed extension; returns the extension."""
    if len(name) > max_length:
        raise business_error("file_rejected", f"{field}: {len(name)} characters; at most {max_length} allowed")
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or not extension:
        raise business_error("file_rejected", f"{field}: the file name needs an extension")
    if extension.lower() not in ALLOWED_EXTENSIONS:
        raise business_error("file_rejected", f"{field}: extension {extension!r} is not accepted")
    return extension.lower()


def check_pdf(content, field):
    """Refuse a file that is not a PDF (no %PDF- header)."""
    if not content.startswith(b"%PDF-"):
        raise business_error("file_rejected", f"{field}: the file is not a PDF")


def file_record(name, content, mime_type, source):
    """The stored description of a received file: name, size, SHA-256, MIME type and the operation it came by."""
    return {"name": name, "size": len(content), "sha256": hashlib.sha256(content).hexdigest(),
            "mimeType": mime_type, "source": source}

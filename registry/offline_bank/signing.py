"""The registry's Ed25519 signing key: made once, kept out of the repository, its public half given to others."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class SigningKeyError(ValueError):
    """A signing or public key that is missing or cannot be read; the message says what to do."""


class BadSignature(ValueError):
    """A signature that does not verify: the data was altered, or signed with another key."""


def generate_key(path: Path) -> Ed25519PrivateKey:
    """Write a new private key to `path` (PEM, mode 0600); refuse to replace an existing one.

    :raises SigningKeyError: when a key is already there (replacing it would orphan every bank and feed signed).
    """
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise SigningKeyError(f"a signing key already exists at {path}; it was kept (move it away first to make a "
                              "new one: banks and feeds signed with it then no longer verify)") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return key


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The private key stored at `path`.

    :raises SigningKeyError: when there is none, or it is not an Ed25519 key.
    """
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise SigningKeyError(f"no signing key at {path}: run `registry offline-bank keys --generate` "
                              "(or set REGISTRY_SIGNING_KEY_FILE)") from None
    except ValueError as exc:
        raise SigningKeyError(f"{path} is not a PEM private key: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} holds a {type(key).__name__}, not an Ed25519 key")
    return key


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The public key as others are given it: its 32 raw bytes in base64 (44 characters)."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def fingerprint(key_text: str) -> str:
    """A short name of a public key (first 16 hex digits of its SHA-256), to tell keys apart at a glance."""
    return hashlib.sha256(base64.b64decode(key_text)).hexdigest()[:16]


def parse_public_key(text: str) -> Ed25519PublicKey:
    """A public key given as base64 (as `public_key_text` writes it), hex, or a PEM file's content.

    :raises SigningKeyError: when the text is none of these.
    """
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode())
            if isinstance(key, Ed25519PublicKey):
                return key
            raise ValueError("not an Ed25519 key")
        raw = bytes.fromhex(text) if len(text) == 64 else base64.b64decode(text, validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise SigningKeyError(f"the public key {text[:60]!r} cannot be read ({exc}); give the 44-character base64 "
                              "text `registry offline-bank keys` prints") from None


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    """The 64-byte Ed25519 signature of `data`."""
    return key.sign(data)


def verify(public_key: Ed25519PublicKey, signature: bytes, data: bytes) -> None:
    """Check a signature.

    :raises BadSignature: when it does not verify.
    """
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        raise BadSignature("the signature does not match: the data was changed after it was signed, or it was "
                           "signed with another key") from None

"""A trustee's key share in a passphrase-protected file.

The share is sealed with libsodium: the key comes from the passphrase by
Argon2id (crypto_pwhash; MODERATE limits from this tool, 3 passes over 64 MiB
from the trustee page's browser code, booth/src/sodium.js) and the file is
encrypted and authenticated with XSalsa20-Poly1305 (crypto_secretbox_easy). A
wrong passphrase or any changed byte fails to open. Format (JSON):
``{"version": "votecrypt-keyfile/1", "kdf": "argon2id13", "ops": .., "mem": ..,
"salt": hex, "nonce": hex, "box": hex}``.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import json
import secrets

VERSION = "votecrypt-keyfile/1"
_lib = ctypes.CDLL(ctypes.util.find_library("sodium"))
_lib.sodium_init()
_SALT = _lib.crypto_pwhash_saltbytes()
_KEY = _lib.crypto_secretbox_keybytes()
_NONCE = _lib.crypto_secretbox_noncebytes()
_MAC = _lib.crypto_secretbox_macbytes()
_ALG = _lib.crypto_pwhash_alg_argon2id13()
OPS = _lib.crypto_pwhash_opslimit_moderate()
MEM = _lib.crypto_pwhash_memlimit_moderate()
BROWSER_OPS, BROWSER_MEM = 3, 64 * 1024 * 1024  # what the trustee page's files use
# Limits a file may ask for, browser-made or ours: a changed file must not make
# us allocate gigabytes (the browser code refuses the same).
_OPS_RANGE, _MEM_RANGE = range(1, 17), range(8192, 1024**3 + 1, 1024)
_lib.crypto_pwhash.argtypes = [ctypes.c_char_p, ctypes.c_ulonglong, ctypes.c_char_p, ctypes.c_ulonglong,
                               ctypes.c_char_p, ctypes.c_ulonglong, ctypes.c_size_t, ctypes.c_int]
_lib.crypto_secretbox_easy.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulonglong, ctypes.c_char_p, ctypes.c_char_p]
_BOX_PK = _lib.crypto_box_publickeybytes()
_BOX_SK = _lib.crypto_box_secretkeybytes()
_SEAL = _lib.crypto_box_sealbytes()
_lib.crypto_box_keypair.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
_lib.crypto_box_seal.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulonglong, ctypes.c_char_p]
_lib.crypto_box_seal_open.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulonglong, ctypes.c_char_p, ctypes.c_char_p]
_lib.crypto_secretbox_open_easy.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulonglong, ctypes.c_char_p, ctypes.c_char_p]


class KeyFileError(ValueError):
    pass


def _derive(passphrase: str, salt: bytes, ops: int, mem: int) -> bytes:
    if len(passphrase) < 12:
        raise KeyFileError("the passphrase must be at least 12 characters")
    pw = passphrase.encode()
    key = ctypes.create_string_buffer(_KEY)
    if _lib.crypto_pwhash(key, _KEY, pw, len(pw), salt, ops, mem, _ALG) != 0:
        raise KeyFileError("key derivation failed (out of memory?)")
    return key.raw


def seal(trustee_key: dict, passphrase: str, *, ops: int | None = None, mem: int | None = None) -> dict:
    ops, mem = ops or OPS, mem or MEM
    salt, nonce = secrets.token_bytes(_SALT), secrets.token_bytes(_NONCE)
    message = json.dumps(trustee_key).encode()
    box = ctypes.create_string_buffer(len(message) + _MAC)
    _lib.crypto_secretbox_easy(box, message, len(message), nonce, _derive(passphrase, salt, ops, mem))
    return {"version": VERSION, "kdf": "argon2id13", "ops": ops, "mem": mem, "salt": salt.hex(), "nonce": nonce.hex(), "box": box.raw.hex()}


def open_sealed(data: dict, passphrase: str) -> dict:
    try:
        if data["version"] != VERSION or data["kdf"] != "argon2id13":
            raise KeyFileError("not a votecrypt key file")
        salt, nonce, box = bytes.fromhex(data["salt"]), bytes.fromhex(data["nonce"]), bytes.fromhex(data["box"])
        ops, mem = data["ops"], data["mem"]
    except (KeyError, TypeError, ValueError) as exc:
        raise KeyFileError(f"not a votecrypt key file ({exc})") from None
    if type(ops) is not int or type(mem) is not int or ops not in _OPS_RANGE or mem not in _MEM_RANGE:
        raise KeyFileError("not a votecrypt key file (unusual key-derivation limits)")
    if len(salt) != _SALT or len(nonce) != _NONCE or len(box) < _MAC:
        raise KeyFileError("not a votecrypt key file")
    out = ctypes.create_string_buffer(len(box) - _MAC)
    if _lib.crypto_secretbox_open_easy(out, box, len(box), nonce, _derive(passphrase, salt, ops, mem)) != 0:
        raise KeyFileError("wrong passphrase, or the file was changed")
    return json.loads(out.raw)


# --- Sealed boxes: a trustee's key-generation share for one other trustee ------------


def box_keypair() -> tuple[str, str]:
    """(public, secret) X25519 keys, hex, for receiving shares during key generation."""
    pk, sk = ctypes.create_string_buffer(_BOX_PK), ctypes.create_string_buffer(_BOX_SK)
    _lib.crypto_box_keypair(pk, sk)
    return pk.raw.hex(), sk.raw.hex()


def seal_to(public_hex: str, message: bytes) -> str:
    """Anonymous sealed box (crypto_box_seal): only the holder of the secret key opens it."""
    pk = bytes.fromhex(public_hex)
    if len(pk) != _BOX_PK:
        raise KeyFileError("not a box public key")
    out = ctypes.create_string_buffer(len(message) + _SEAL)
    _lib.crypto_box_seal(out, message, len(message), pk)
    return out.raw.hex()


def open_box(public_hex: str, secret_hex: str, sealed_hex: str) -> bytes:
    try:
        sealed = bytes.fromhex(sealed_hex)
    except (TypeError, ValueError):
        raise KeyFileError("not a sealed share") from None
    if len(sealed) < _SEAL:
        raise KeyFileError("not a sealed share")
    out = ctypes.create_string_buffer(len(sealed) - _SEAL)
    if _lib.crypto_box_seal_open(out, sealed, len(sealed), bytes.fromhex(public_hex), bytes.fromhex(secret_hex)) != 0:
        raise KeyFileError("a share addressed to you does not open: it was changed, or not sealed to you")
    return out.raw

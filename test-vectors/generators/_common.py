"""Shared helpers for the SSH binary-packet test-vector generators.

Everything here is deterministic: key material, IVs, payloads and (where the
generator supplies it) padding are derived from SHA-256 over a text label, so
re-running a generator reproduces byte-identical JSON files.

det_bytes(label, n) = first n bytes of
    SHA-256(label || 0x00000000) || SHA-256(label || 0x00000001) || ...
(label encoded as UTF-8, counter as 4-byte big-endian).  This is trivial to
re-implement in any language if a test ever wants to re-derive an input.

The generators must be run with /usr/bin/python3 (Debian's interpreter, which
has python3-asyncssh and python3-paramiko installed).
"""

import hashlib
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS_ROOT = os.path.dirname(HERE)              # .../test-vectors
REPO_ROOT = os.path.dirname(VECTORS_ROOT)         # .../main
PACKETS_DIR = os.path.join(VECTORS_ROOT, 'packets')

# Payload lengths of the main sequence, in order.
PAYLOAD_LENGTHS = [1, 5, 15, 16, 17, 31, 32, 100, 255, 256, 1000, 4096]
# The 32768-byte payload (RFC 4253 6.1 minimum maximum) is appended only to
# the files listed by each generator in LARGE_PAYLOAD_FILES (size budget; see
# README).  Pass --large-everywhere to append it to every file.
LARGE_PAYLOAD_LENGTH = 32768

# Payload lengths of the "wrapSequence" (starts at 2^32 - 2, wraps to 0, 1).
WRAP_PAYLOAD_LENGTHS = [1, 16, 31, 100]
WRAP_INITIAL_SEQ = 0xFFFFFFFE

# First byte of every payload: SSH_MSG_CHANNEL_DATA.
MSG_NUMBER = 94

# Key/IV/MAC-key sizes (bytes) per algorithm, as used by both peers.
ENC_KEY_SIZE = {
    'none': 0,
    'chacha20-poly1305@openssh.com': 64,
    'aes128-gcm@openssh.com': 16,
    'aes256-gcm@openssh.com': 32,
    'aes128-ctr': 16,
    'aes192-ctr': 24,
    'aes256-ctr': 32,
}
IV_SIZE = {
    'none': 0,
    'chacha20-poly1305@openssh.com': 0,
    'aes128-gcm@openssh.com': 12,
    'aes256-gcm@openssh.com': 12,
    'aes128-ctr': 16,
    'aes192-ctr': 16,
    'aes256-ctr': 16,
}
MAC_KEY_SIZE = {
    None: 0,
    'hmac-sha2-256': 32,
    'hmac-sha2-512': 64,
    'hmac-sha1': 20,
    'hmac-sha2-256-etm@openssh.com': 32,
    'hmac-sha2-512-etm@openssh.com': 64,
    'hmac-sha1-etm@openssh.com': 20,
}
CTR_CIPHERS = ['aes128-ctr', 'aes192-ctr', 'aes256-ctr']
MACS = [
    'hmac-sha2-256',
    'hmac-sha2-512',
    'hmac-sha1',
    'hmac-sha2-256-etm@openssh.com',
    'hmac-sha2-512-etm@openssh.com',
    'hmac-sha1-etm@openssh.com',
]


def det_bytes(label: str, n: int) -> bytes:
    """Deterministic pseudo-random bytes (SHA-256 in counter mode)."""
    out = bytearray()
    i = 0
    lab = label.encode('utf-8')
    while len(out) < n:
        out += hashlib.sha256(lab + i.to_bytes(4, 'big')).digest()
        i += 1
    return bytes(out[:n])


def combo_label(cipher: str, mac) -> str:
    # Deliberately independent of the source (asyncssh/paramiko) so both
    # generators use the same keys and payloads for the same combination.
    return f'sshts-packets/{cipher}/{mac or "aead-or-none"}'


def key_material(cipher: str, mac, wrap: bool):
    """(encKey, iv, macKey) for a combination; deterministic.

    For the wrap sequence the IV is chosen so that the cipher's own counter
    also crosses a carry boundary within the 4 packets:
      * AES-GCM: invocation counter (last 8 IV bytes) = 2^64 - 2, so it wraps
        to 0 at the same packet where the sequence number wraps.
      * AES-CTR: low 64 bits of the 128-bit counter = 2^64 - 3, so the
        keystream counter carries into the upper 64 bits inside the first
        packet.
    """
    base = combo_label(cipher, mac) + ('/wrap' if wrap else '/main')
    enc_key = det_bytes(base + '/encKey', ENC_KEY_SIZE[cipher])
    iv = det_bytes(base + '/iv', IV_SIZE[cipher])
    mac_key = det_bytes(base + '/macKey', MAC_KEY_SIZE[mac])
    if wrap and cipher.endswith('-gcm@openssh.com'):
        iv = iv[:4] + (2**64 - 2).to_bytes(8, 'big')
    if wrap and cipher.endswith('-ctr'):
        iv = iv[:8] + (2**64 - 3).to_bytes(8, 'big')
    return enc_key, iv, mac_key


def payload(cipher: str, mac, wrap: bool, index: int, length: int) -> bytes:
    base = combo_label(cipher, mac) + ('/wrap' if wrap else '/main')
    body = det_bytes(f'{base}/payload/{index}', length - 1)
    return bytes([MSG_NUMBER]) + body


def asyncssh_pad_bytes(cipher: str, mac, wrap: bool, index: int, n: int) -> bytes:
    """Deterministic replacement for os.urandom(padlen) in AsyncSSH."""
    base = combo_label(cipher, mac) + ('/wrap' if wrap else '/main')
    return det_bytes(f'{base}/asyncssh-padding/{index}', n)


def deb_version(pkg: str) -> str:
    try:
        return subprocess.run(
            ['dpkg-query', '-W', '-f=${Version}', pkg],
            check=True, capture_output=True, text=True).stdout.strip()
    except Exception:  # pragma: no cover
        return 'unknown'


def file_name(source: str, cipher: str, mac) -> str:
    return f'{source}-{cipher}-{mac or ("none" if cipher == "none" else "aead")}.json'


def write_vector(path: str, doc: dict) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(doc, f, indent=2)
        f.write('\n')


def require_debian_python() -> None:
    if not sys.executable.startswith('/usr/bin/python3'):
        sys.stderr.write(
            f'warning: running under {sys.executable}; the peers are only '
            'installed for /usr/bin/python3\n')

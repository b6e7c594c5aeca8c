"""bcrypt_pbkdf known-answer vectors for @sshts/keys, made by pyca/bcrypt (Debian python3-bcrypt).

    /usr/bin/python3 test-vectors/generators/bcrypt_pbkdf.py > test-vectors/keys/bcrypt-pbkdf/vectors.json

bcrypt.kdf(password, salt, desired_key_bytes, rounds, ignore_few_rounds=True) is OpenBSD's
bcrypt_pbkdf (the KDF of openssh-key-v1 files). Inputs are fixed (no randomness), so re-running the
script reproduces the file byte for byte. pyca/bcrypt caps desired_key_bytes at 512 (OpenBSD: 1024).
"""

import json
import warnings

import bcrypt

warnings.simplefilter('ignore')

# (password, salt, rounds, key length): short/long/UTF-8 passwords, the 16-byte salt OpenSSH writes
# and odd sizes, 1..64 rounds, key lengths around the 32-byte block boundary and the cipher sizes
# OpenSSH derives (aes128-ctr 32, aes256-ctr 48, chacha20-poly1305 64).
CASES = [
    (b'password', b'salt', 4, 32),
    (b'password', b'salt', 16, 48),
    (b'password', b'salt', 8, 64),
    (b'password\x00', b'salt\x00', 4, 16),
    (b'p', b's', 1, 1),
    (b'p', b's', 1, 33),
    ('pässwörd ✓ 鍵'.encode('utf-8'), bytes(range(16)), 16, 48),
    (b'correct horse battery staple', bytes(range(255, 239, -1)), 16, 44),
    (b'x' * 100, bytes(range(64)), 2, 88),
    (bytes(range(1, 256)), b'\xff' * 100, 3, 100),
    (b'secret', bytes(range(16)), 64, 48),
    (b'secret', bytes(range(16)), 1, 512),
    (b'OpenSSH', b'0123456789abcdef', 32, 32),
    (b'a' * 72, b'b' * 16, 5, 40),
]

vectors = []
for password, salt, rounds, length in CASES:
    key = bcrypt.kdf(password, salt, length, rounds, ignore_few_rounds=True)
    vectors.append({
        'passwordHex': password.hex(),
        'saltHex': salt.hex(),
        'rounds': rounds,
        'keyLength': length,
        'keyHex': key.hex(),
    })

print(json.dumps({
    'source': 'pyca/bcrypt %s bcrypt.kdf (Debian python3-bcrypt)' % bcrypt.__version__,
    'command': '/usr/bin/python3 test-vectors/generators/bcrypt_pbkdf.py > test-vectors/keys/bcrypt-pbkdf/vectors.json',
    'vectors': vectors,
}, indent=2))

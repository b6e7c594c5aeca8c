#!/usr/bin/python3
"""Re-derive every packet vector from the specifications alone.

    /usr/bin/python3 test-vectors/generators/speccheck.py

Uses neither AsyncSSH nor paramiko.  For each JSON file in ../packets it
rebuilds the plaintext packet from (payload, padding), recomputes the wire
bytes from the published constructions and compares them byte for byte:

  * framing (RFC 4253 6): uint32 packet_length, byte padding_length, payload,
    padding; padding_length >= 4; alignment to blockSize over
    length||padlen||payload||padding, or -- for ETM MACs and the AEAD
    ciphers, whose length field is not encrypted with the block cipher /
    is handled separately -- over padlen||payload||padding only.
  * aes*-ctr (RFC 4344): one keystream for the whole direction; the 128-bit
    big-endian counter starts at the IV and increments by one per 16-byte
    block, continuing across packets (keystream implemented here on top of
    single-block AES-ECB).
  * MAC (RFC 4253 6.4):  HMAC(macKey, uint32(seq) || plaintext packet),
    appended after the ciphertext.
    -etm@openssh.com (OpenSSH PROTOCOL 1.7): length in clear, then
    ciphertext of padlen||payload||padding; MAC = HMAC(macKey, uint32(seq) ||
    uint32(length) || ciphertext).
  * aes*-gcm@openssh.com (RFC 5647): nonce = 4-byte fixed field || 8-byte
    invocation counter, starting at the derived 12-byte IV and incremented
    (mod 2^64) after every packet; AAD = the 4-byte packet length (sent in
    clear); wire = length || ciphertext || 16-byte tag.  GCM (GHASH + GCTR)
    is implemented here in pure Python on top of AES-ECB.
  * chacha20-poly1305@openssh.com (OpenSSH PROTOCOL.chacha20poly1305):
    64-byte key, K_2 = key[0:32], K_1 = key[32:64]; nonce = uint64(seq)
    big-endian (the original 64-bit-nonce/64-bit-counter ChaCha20); length
    encrypted with K_1 at block counter 0; Poly1305 key = first 32 bytes of
    K_2 keystream at counter 0; payload encrypted with K_2 from counter 1;
    tag = Poly1305 over encrypted length || encrypted packet.  ChaCha20 and
    Poly1305 are implemented here in pure Python and self-tested against
    RFC 8439 sections 2.4.2 and 2.5.2 first.
"""

import glob
import hashlib
import hmac
import json
import os
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

HERE = os.path.dirname(os.path.abspath(__file__))
PACKETS_DIR = os.path.join(os.path.dirname(HERE), 'packets')

MAIN_LENGTHS = [1, 5, 15, 16, 17, 31, 32, 100, 255, 256, 1000, 4096]
WRAP_LENGTHS = [1, 16, 31, 100]
HASHES = {'sha1': hashlib.sha1, 'sha2-256': hashlib.sha256, 'sha2-512': hashlib.sha512}


# ---------------------------------------------------------------- ChaCha20 --

def _rotl(v, c):
    return ((v << c) & 0xFFFFFFFF) | (v >> (32 - c))


def _qr(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = _rotl(s[d] ^ s[a], 16)  # noqa: E702
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = _rotl(s[b] ^ s[c], 12)  # noqa: E702
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = _rotl(s[d] ^ s[a], 8)   # noqa: E702
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = _rotl(s[b] ^ s[c], 7)   # noqa: E702


def chacha20_block(key32, last16):
    """One block; last16 = the 16 bytes of state words 12..15 (LE words)."""
    init = ([0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
            + list(struct.unpack('<8I', key32)) + list(struct.unpack('<4I', last16)))
    s = list(init)
    for _ in range(10):
        _qr(s, 0, 4, 8, 12); _qr(s, 1, 5, 9, 13); _qr(s, 2, 6, 10, 14); _qr(s, 3, 7, 11, 15)  # noqa: E702,E501
        _qr(s, 0, 5, 10, 15); _qr(s, 1, 6, 11, 12); _qr(s, 2, 7, 8, 13); _qr(s, 3, 4, 9, 14)  # noqa: E702,E501
    return struct.pack('<16I', *[(x + y) & 0xFFFFFFFF for x, y in zip(s, init)])


def chacha20_djb(key32, nonce8, counter, data):
    """Original ChaCha20: 64-bit LE block counter, 64-bit nonce."""
    out = bytearray()
    for off in range(0, len(data), 64):
        ks = chacha20_block(key32, struct.pack('<Q', counter) + nonce8)
        out += bytes(x ^ y for x, y in zip(data[off:off + 64], ks))
        counter += 1
    return bytes(out)


def chacha20_ietf(key32, nonce12, counter, data):
    out = bytearray()
    for off in range(0, len(data), 64):
        ks = chacha20_block(key32, struct.pack('<I', counter) + nonce12)
        out += bytes(x ^ y for x, y in zip(data[off:off + 64], ks))
        counter += 1
    return bytes(out)


def poly1305(key32, msg):
    r = int.from_bytes(key32[:16], 'little') & 0x0FFFFFFC0FFFFFFC0FFFFFFC0FFFFFFF
    s = int.from_bytes(key32[16:], 'little')
    p = (1 << 130) - 5
    acc = 0
    for off in range(0, len(msg), 16):
        blk = msg[off:off + 16] + b'\x01'
        acc = ((acc + int.from_bytes(blk, 'little')) * r) % p
    return ((acc + s) & ((1 << 128) - 1)).to_bytes(16, 'little')


def selftest_chacha_poly():
    # RFC 8439 2.4.2
    key = bytes(range(32))
    nonce = bytes.fromhex('000000000000004a00000000')
    pt = (b"Ladies and Gentlemen of the class of '99: If I could offer you only "
          b"one tip for the future, sunscreen would be it.")
    ct = chacha20_ietf(key, nonce, 1, pt)
    assert ct.hex() == (
        '6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b'
        'f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8'
        '07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736'
        '5af90bbf74a35be6b40b8eedf2785e42874d'), 'ChaCha20 RFC 8439 2.4.2'
    # RFC 8439 2.5.2
    k = bytes.fromhex('85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b')
    assert poly1305(k, b'Cryptographic Forum Research Group').hex() == \
        'a8061dc1305136c6c22b8baf0c0127a9', 'Poly1305 RFC 8439 2.5.2'


# ---------------------------------------------------------------------- AES --

class AesBlock:
    def __init__(self, key):
        self._enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()

    def __call__(self, block16):
        return self._enc.update(block16)


class CtrStream:
    """RFC 4344 SDCTR keystream: 128-bit BE counter, continuous."""

    def __init__(self, key, iv):
        self._aes = AesBlock(key)
        self._ctr = int.from_bytes(iv, 'big')
        self._buf = b''

    def xor(self, data):
        while len(self._buf) < len(data):
            self._buf += self._aes(self._ctr.to_bytes(16, 'big'))
            self._ctr = (self._ctr + 1) % (1 << 128)
        ks, self._buf = self._buf[:len(data)], self._buf[len(data):]
        return bytes(x ^ y for x, y in zip(data, ks))


def _gf_mult(x, y):
    r = 0xE1 << 120
    z = 0
    for i in range(127, -1, -1):
        if (y >> i) & 1:
            z ^= x
        x = (x >> 1) ^ r if x & 1 else x >> 1
    return z


def aes_gcm_encrypt(key, nonce12, pt, aad):
    """NIST SP 800-38D with a 96-bit IV and a 128-bit tag."""
    aes = AesBlock(key)
    h = int.from_bytes(aes(b'\0' * 16), 'big')
    j0 = nonce12 + b'\0\0\0\1'
    ct = bytearray()
    ctr = int.from_bytes(j0[12:], 'big')
    for off in range(0, len(pt), 16):
        ctr = (ctr + 1) & 0xFFFFFFFF
        ks = aes(nonce12 + ctr.to_bytes(4, 'big'))
        ct += bytes(x ^ y for x, y in zip(pt[off:off + 16], ks))

    def blocks(b):
        for off in range(0, len(b), 16):
            yield b[off:off + 16].ljust(16, b'\0')

    y = 0
    for blk in list(blocks(aad)) + list(blocks(bytes(ct))):
        y = _gf_mult(y ^ int.from_bytes(blk, 'big'), h)
    y = _gf_mult(y ^ ((len(aad) * 8) << 64 | (len(ct) * 8)), h)
    tag = bytes(a ^ b for a, b in zip(aes(j0), y.to_bytes(16, 'big')))
    return bytes(ct), tag


# ------------------------------------------------------------------- checks --

def expected_block_size(cipher):
    return 8 if cipher in ('none', 'chacha20-poly1305@openssh.com') else 16


def mac_parts(mac):
    if mac is None:
        return None, False
    etm = mac.endswith('-etm@openssh.com')
    core = mac[len('hmac-'):-len('-etm@openssh.com')] if etm else mac[len('hmac-'):]
    return HASHES[core], etm


def check_sequence(doc, sd, wrap, problems, where):
    cipher, mac = doc['cipher'], doc['mac']
    bs = doc['blockSize']
    key, iv, mkey = (bytes.fromhex(sd[k]) for k in ('encKey', 'iv', 'macKey'))
    hfn, etm = mac_parts(mac)
    aead = cipher.endswith('@openssh.com') and cipher != 'none'
    len_excluded = etm or aead
    ctr = CtrStream(key, iv) if cipher.endswith('-ctr') else None
    gcm_fixed, gcm_inv = (iv[:4], int.from_bytes(iv[4:], 'big')) if 'gcm' in cipher else (None, None)

    if bs != expected_block_size(cipher):
        problems.append(f'{where}: blockSize {bs}')
    if (cipher.endswith('-ctr') and (len(key), len(iv)) not in
            ((16, 16), (24, 16), (32, 16))) or (aead and iv and len(iv) != 12):
        problems.append(f'{where}: key/iv sizes')
    if hfn and len(mkey) != hfn().digest_size:
        problems.append(f'{where}: macKey size')

    lengths = [len(p['payload']) // 2 for p in sd['packets']]
    want = WRAP_LENGTHS if wrap else MAIN_LENGTHS
    if lengths[:len(want)] != want or lengths[len(want):] not in ([], [32768]) or \
            (wrap and len(lengths) != 4):
        problems.append(f'{where}: payload lengths {lengths}')

    seq = sd['initialSequenceNumber']
    if seq != (0xFFFFFFFE if wrap else 0):
        problems.append(f'{where}: initialSequenceNumber {seq}')
    for p in sd['packets']:
        if p['seq'] != seq:
            problems.append(f'{where}: seq {p["seq"]} != {seq}')
        payload, padding = bytes.fromhex(p['payload']), bytes.fromhex(p['padding'])
        wire = bytes.fromhex(p['wire'])
        padlen = len(padding)
        body = bytes([padlen]) + payload + padding
        length = struct.pack('>I', len(body))
        aligned = len(body) if len_excluded else 4 + len(body)
        if padlen < 4 or padlen > 255 or aligned % bs:
            problems.append(f'{where} seq {seq}: bad padding length {padlen}')
        if padlen >= 4 + bs:
            problems.append(f'{where} seq {seq}: non-minimal padding {padlen}')
        if payload[:1] != b'\x5e':
            problems.append(f'{where} seq {seq}: first payload byte')

        if cipher == 'none':
            exp = length + body
        elif cipher.endswith('-ctr'):
            if etm:
                enc = ctr.xor(body)
                tag = hmac.new(mkey, struct.pack('>I', seq) + length + enc, hfn).digest()
                exp = length + enc + tag
            else:
                tag = hmac.new(mkey, struct.pack('>I', seq) + length + body, hfn).digest()
                exp = ctr.xor(length + body) + tag
        elif 'gcm' in cipher:
            nonce = gcm_fixed + gcm_inv.to_bytes(8, 'big')
            enc, tag = aes_gcm_encrypt(key, nonce, body, length)
            gcm_inv = (gcm_inv + 1) % (1 << 64)
            exp = length + enc + tag
        elif cipher == 'chacha20-poly1305@openssh.com':
            k2, k1 = key[:32], key[32:]
            nonce = struct.pack('>Q', seq)
            enc_len = chacha20_djb(k1, nonce, 0, length)
            poly_key = chacha20_djb(k2, nonce, 0, b'\0' * 32)
            enc = chacha20_djb(k2, nonce, 1, body)
            exp = enc_len + enc + poly1305(poly_key, enc_len + enc)
        else:
            raise ValueError(cipher)
        if exp != wire:
            problems.append(f'{where} seq {seq}: wire bytes differ from spec re-derivation')
        seq = (seq + 1) & 0xFFFFFFFF


def main():
    selftest_chacha_poly()
    print('self-test: ChaCha20 (RFC 8439 2.4.2) and Poly1305 (RFC 8439 2.5.2) ok')
    files = sorted(glob.glob(os.path.join(PACKETS_DIR, '*.json')))
    problems = []
    npk = 0
    for f in files:
        with open(f, encoding='utf-8') as fh:
            doc = json.load(fh)
        name = os.path.basename(f)
        check_sequence(doc, doc, False, problems, name)
        check_sequence(doc, doc['wrapSequence'], True, problems, name + ' wrap')
        n = len(doc['packets']) + len(doc['wrapSequence']['packets'])
        npk += n
        wseqs = [p['seq'] for p in doc['wrapSequence']['packets']]
        assert wseqs == [0xFFFFFFFE, 0xFFFFFFFF, 0, 1], wseqs
    for p in problems:
        print('PROBLEM', p)
    print(f'{len(files)} files, {npk} packets re-derived from the specs: '
          + ('ALL MATCH' if not problems else f'{len(problems)} PROBLEMS'))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())

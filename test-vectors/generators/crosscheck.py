#!/usr/bin/python3
"""Cross-check the AsyncSSH and paramiko packet vectors against each other.

    /usr/bin/python3 test-vectors/generators/crosscheck.py

For every combination both peers support (aes{128,192,256}-ctr with
hmac-sha2-256, hmac-sha2-512, hmac-sha1 and the sha2 -etm@openssh.com forms):

  A. paramiko -> AsyncSSH: every paramiko vector (main and wrap sequence) is
     parsed and decrypted with AsyncSSH's Encryption objects, following
     SSHConnection._recv_pkthdr/_recv_packet (decrypt_header on the first
     block, decrypt_packet on the rest + MAC); payload and padding must come
     back exactly.
  B. AsyncSSH -> paramiko: every AsyncSSH vector is fed through a fake
     socket to paramiko's Packetizer.read_message() (inbound cipher set up as
     Transport._activate_inbound does); the payload must come back and the
     MAC must verify (paramiko raises otherwise).
  C. Same keys, same payloads: both generators derive identical key material
     and payloads for a combination, so AsyncSSH's encrypt_packet() fed with
     paramiko's (all-zero) padding must reproduce paramiko's wire bytes
     exactly, and the padding *lengths* chosen by the two must be equal.

In addition every AsyncSSH-only vector (chacha20-poly1305, AES-GCM,
hmac-sha1-etm, none) is round-tripped through AsyncSSH's decrypt path (A).
"""

import glob
import json
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
warnings.simplefilter('ignore')

from asyncssh.encryption import get_encryption, get_encryption_params  # noqa: E402
from asyncssh.packet import Byte, UInt32  # noqa: E402
from paramiko import packet as packet_mod  # noqa: E402
from paramiko.transport import Transport  # noqa: E402

import _common as C  # noqa: E402


def load(path):
    with open(path, encoding='utf-8') as f:
        return json.load(f)


def sequences(doc):
    yield 'main', doc, doc['initialSequenceNumber']
    yield 'wrap', doc['wrapSequence'], doc['wrapSequence']['initialSequenceNumber']


def asyncssh_encryption(cipher, mac, seqdoc):
    enc_alg, mac_alg = cipher.encode(), (mac or '').encode()
    (_, _, blocksize, _, macsize, etm) = get_encryption_params(enc_alg, mac_alg)
    enc = get_encryption(enc_alg, bytes.fromhex(seqdoc['encKey']),
                         bytes.fromhex(seqdoc['iv']), mac_alg,
                         bytes.fromhex(seqdoc['macKey']), etm)
    return enc, max(8, blocksize), macsize, etm


# --- A: decrypt with AsyncSSH ----------------------------------------------

def asyncssh_decrypt_stream(cipher, mac, seqdoc, seq0, stream):
    """Replica of SSHConnection._recv_pkthdr + _recv_packet."""
    if cipher == 'none':
        enc, blocksize, macsize = None, 8, 0
    else:
        enc, blocksize, macsize, _ = asyncssh_encryption(cipher, mac, seqdoc)
    out = []
    seq = seq0
    pos = 0
    while pos < len(stream):
        first = stream[pos:pos + blocksize]
        pos += blocksize
        if enc:
            first, pktlen = enc.decrypt_header(seq, first, 4)
        else:
            pktlen = first[:4]
        pktlen = int.from_bytes(pktlen, 'big')
        rem = 4 + pktlen + macsize - blocksize
        rest = stream[pos:pos + rem - macsize]
        mac_bytes = stream[pos + rem - macsize:pos + rem]
        pos += rem
        if enc:
            data = enc.decrypt_packet(seq, first, rest, 4, mac_bytes)
            if not data:
                raise AssertionError(f'AsyncSSH: MAC/tag verification failed at seq {seq}')
        else:
            data = first[4:] + rest
        padlen = data[0]
        out.append((seq, data[1:-padlen], data[-padlen:]))
        seq = (seq + 1) & 0xFFFFFFFF
    return out


def check_with_asyncssh(doc):
    n = 0
    for _name, sd, seq0 in sequences(doc):
        stream = b''.join(bytes.fromhex(p['wire']) for p in sd['packets'])
        got = asyncssh_decrypt_stream(doc['cipher'], doc['mac'], sd, seq0, stream)
        assert len(got) == len(sd['packets'])
        for (seq, payload, padding), p in zip(got, sd['packets']):
            assert seq == p['seq'], (seq, p['seq'])
            assert payload.hex() == p['payload'], f'payload mismatch seq {seq}'
            assert padding.hex() == p['padding'], f'padding mismatch seq {seq}'
            n += 1
    return n


# --- B: decrypt with paramiko ----------------------------------------------

class FeedSocket:
    def __init__(self, data):
        self.data = data

    def recv(self, n):
        chunk, self.data = self.data[:n], self.data[n:]
        return chunk

    def send(self, data):  # unused
        return len(data)


def check_with_paramiko(doc):
    cipher, mac = doc['cipher'], doc['mac']
    n = 0
    for _name, sd, seq0 in sequences(doc):
        stream = b''.join(bytes.fromhex(p['wire']) for p in sd['packets'])
        sock = FeedSocket(stream)
        pk = packet_mod.Packetizer(sock)
        engine = Transport._get_cipher(Transport, cipher, bytes.fromhex(sd['encKey']),
                                       bytes.fromhex(sd['iv']), Transport._DECRYPT)
        pk.set_inbound_cipher(engine, Transport._cipher_info[cipher]['block-size'],
                              Transport._mac_info[mac]['class'],
                              Transport._mac_info[mac]['size'],
                              bytes.fromhex(sd['macKey']),
                              etm='etm@openssh.com' in mac)
        pk._Packetizer__sequence_number_in = seq0
        for p in sd['packets']:
            cmd, msg = pk.read_message()      # raises on MAC mismatch
            assert msg.seqno == p['seq']
            assert (bytes([cmd]) + msg.asbytes()).hex() == p['payload']
            n += 1
        assert sock.data == b''
    return n


# --- C: same inputs -> same wire -------------------------------------------

def reencrypt_with_asyncssh(doc):
    """AsyncSSH encrypt_packet() with paramiko's padding == paramiko's wire."""
    cipher, mac = doc['cipher'], doc['mac']
    n = 0
    for _name, sd, _seq0 in sequences(doc):
        enc, _, _, _ = asyncssh_encryption(cipher, mac, sd)
        for p in sd['packets']:
            payload, padding = bytes.fromhex(p['payload']), bytes.fromhex(p['padding'])
            packet = Byte(len(padding)) + payload + padding
            body, tag = enc.encrypt_packet(p['seq'], UInt32(len(packet)), packet)
            assert (body + tag).hex() == p['wire'], f'wire mismatch seq {p["seq"]}'
            n += 1
    return n


def main():
    files = sorted(glob.glob(os.path.join(C.PACKETS_DIR, '*.json')))
    docs = {os.path.basename(f): load(f) for f in files}
    ok = True
    totals = {'A': 0, 'B': 0, 'C': 0, 'padlen': 0}
    for name, doc in docs.items():
        src = name.split('-', 1)[0]
        paramiko_ok = (doc['cipher'] in Transport._cipher_info
                       and doc['mac'] in Transport._mac_info)
        try:
            a = check_with_asyncssh(doc)
            totals['A'] += a
            line = f'{name}: A(asyncssh decrypt) {a} ok'
            if src == 'asyncssh' and paramiko_ok:
                b = check_with_paramiko(doc)
                totals['B'] += b
                line += f', B(paramiko decrypt) {b} ok'
            if src == 'paramiko':
                c = reencrypt_with_asyncssh(doc)
                totals['C'] += c
                other = docs[name.replace('paramiko-', 'asyncssh-', 1)]
                for x, y in ((doc, other), (doc['wrapSequence'], other['wrapSequence'])):
                    for pp, pa in zip(x['packets'], y['packets']):
                        assert pp['payload'] == pa['payload']
                        assert len(pp['padding']) == len(pa['padding']), 'padlen differs'
                        totals['padlen'] += 1
                    assert x['encKey'] == y['encKey'] and x['iv'] == y['iv']
                line += f', C(asyncssh re-encrypt == paramiko wire) {c} ok, padlen == asyncssh'
            print(line)
        except Exception as exc:  # AssertionError, paramiko SSHException, ...
            ok = False
            print(f'{name}: FAIL {exc}')
    print(f'files: {len(docs)}; packets decrypted by AsyncSSH: {totals["A"]}; '
          f'AsyncSSH packets decrypted by paramiko: {totals["B"]}; '
          f'paramiko packets reproduced byte-exact by AsyncSSH: {totals["C"]}; '
          f'padding lengths compared: {totals["padlen"]}')
    print('CROSSCHECK PASSED' if ok else 'CROSSCHECK FAILED')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())

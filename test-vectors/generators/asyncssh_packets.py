#!/usr/bin/python3
"""Generate SSH binary-packet known-answer vectors with AsyncSSH 2.10.1.

Run from the repository root with Debian's interpreter:

    /usr/bin/python3 test-vectors/generators/asyncssh_packets.py [--large-everywhere]

How a packet is produced (mirrors SSHConnection.send_packet() in
asyncssh/connection.py, Debian 2.10.1-2+deb12u2):

    enchdrlen = 1 if etm else 5          # etm is True for ETM MACs *and* for
                                         # the AEAD ciphers (GCM, chacha)
    blocksize = max(8, cipher_block_size)
    padlen = -(enchdrlen + len(payload)) % blocksize
    if padlen < 4: padlen += blocksize
    packet = Byte(padlen) + payload + os.urandom(padlen)
    hdr = UInt32(len(packet))
    wire, mac = encryption.encrypt_packet(seq, hdr, packet)   # if encrypting
    wire = hdr + packet, mac = b''                            # cipher "none"
    send(wire + mac)

os.urandom(padlen) is replaced by deterministic bytes (see _common.py) and
recorded in each vector as "padding".

Each combination is produced twice and the results must agree byte for byte:
  1. "direct": the framing above, written out here, calling AsyncSSH's
     Encryption object (asyncssh.encryption.get_encryption) directly;
  2. "harness": AsyncSSH's real SSHConnection.send_packet() on a bare
     connection object (no event loop, fake transport, os.urandom patched),
     so the padding rule and header/packet split come from AsyncSSH's own
     code, not from a transcription of it.  The harness suppresses only the
     empty MSG_IGNORE that send_packet() inserts before every encrypted
     non-IGNORE packet (it would consume a sequence number and keystream).
"""

import os
import sys
import warnings
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

warnings.simplefilter('ignore')  # Blowfish/CAST5/SEED deprecation noise

try:
    import asyncssh  # noqa: E402
except ImportError:  # pragma: no cover
    sys.exit('asyncssh not importable: run with /usr/bin/python3 (Debian python3-asyncssh)')
from asyncssh import connection as conn_mod  # noqa: E402
from asyncssh.constants import MSG_IGNORE  # noqa: E402
from asyncssh.encryption import get_encryption, get_encryption_params  # noqa: E402
from asyncssh.packet import Byte, String, UInt32  # noqa: E402

import _common as C  # noqa: E402

SOURCE = 'asyncssh'
GENERATOR = 'test-vectors/generators/asyncssh_packets.py'
COMMAND = '/usr/bin/python3 test-vectors/generators/asyncssh_packets.py'

COMBOS = (
    [('chacha20-poly1305@openssh.com', None),
     ('aes128-gcm@openssh.com', None),
     ('aes256-gcm@openssh.com', None)]
    + [(c, m) for c in C.CTR_CIPHERS for m in C.MACS]
    + [('none', None)]
)

# Files that also carry the 32768-byte payload (size budget, see README).
LARGE_PAYLOAD_FILES = {
    ('chacha20-poly1305@openssh.com', None),
    ('aes256-gcm@openssh.com', None),
    ('aes128-ctr', 'hmac-sha2-256'),
}


def source_string() -> str:
    return (f'asyncssh {asyncssh.__version__} '
            f'(Debian python3-asyncssh {C.deb_version("python3-asyncssh")})')


def params(cipher, mac):
    """(encryption-or-None, enchdrlen, blocksize) exactly as connection.py."""
    if cipher == 'none':
        return None, 5, 8
    enc_alg = cipher.encode()
    mac_alg = (mac or '').encode()
    (_, _, enc_blocksize, _, _, etm) = get_encryption_params(enc_alg, mac_alg)
    return etm, (1 if etm else 5), max(8, enc_blocksize)


def new_encryption(cipher, mac, enc_key, iv, mac_key):
    if cipher == 'none':
        return None
    enc_alg = cipher.encode()
    mac_alg = (mac or '').encode()
    etm = get_encryption_params(enc_alg, mac_alg)[5]
    return get_encryption(enc_alg, enc_key, iv, mac_alg, mac_key, etm)


def direct(cipher, mac, keys, seq0, payloads, paddings):
    """Frame per connection.py and encrypt with AsyncSSH's Encryption object."""
    enc = new_encryption(cipher, mac, *keys)
    _, enchdrlen, blocksize = params(cipher, mac)
    out = []
    seq = seq0
    for payload, pad_source in zip(payloads, paddings):
        padlen = -(enchdrlen + len(payload)) % blocksize
        if padlen < 4:
            padlen += blocksize
        padding = pad_source(padlen)
        packet = Byte(padlen) + payload + padding
        hdr = UInt32(len(packet))
        if enc:
            packet, mac_bytes = enc.encrypt_packet(seq, hdr, packet)
        else:
            packet, mac_bytes = hdr + packet, b''
        out.append({'seq': seq, 'payload': payload.hex(),
                    'padding': padding.hex(), 'wire': (packet + mac_bytes).hex()})
        seq = (seq + 1) & 0xFFFFFFFF
    return out


class _FakeTransport:
    def __init__(self):
        self.writes = []

    def is_closing(self):
        return False

    def write(self, data):
        self.writes.append(bytes(data))


class _QuietHandler:
    def log_sent_packet(self, *args, **kwargs):
        pass


class _HarnessConnection(conn_mod.SSHClientConnection):
    """Bare connection: only the state send_packet() touches is set."""

    def send_packet(self, pkttype, *args, handler=None):
        if pkttype == MSG_IGNORE and args == (String(b''),):
            return  # the auto-inserted empty IGNORE; see module docstring
        super().send_packet(pkttype, *args, handler=_QuietHandler())


def harness(cipher, mac, keys, seq0, payloads, paddings):
    """Drive AsyncSSH's real SSHConnection.send_packet()."""
    etm, enchdrlen, blocksize = params(cipher, mac)
    c = object.__new__(_HarnessConnection)
    c._transport = _FakeTransport()
    c._auth_complete = True
    c._auth_in_progress = False
    c._kex_complete = False        # skips the rekey-trigger branch
    c._deferred_packets = []
    c._send_encryption = new_encryption(cipher, mac, *keys)
    c._send_enchdrlen = enchdrlen  # as set in _send_newkeys
    c._send_blocksize = blocksize  # as set in _send_newkeys
    c._compressor = None
    c._compress_after_auth = False
    c._strict_kex = False
    c._send_seq = seq0
    out = []
    for payload, pad_source in zip(payloads, paddings):
        recorded = []

        def fake_urandom(n, _src=pad_source, _rec=recorded):
            b = _src(n)
            _rec.append(b)
            return b

        seq = c._send_seq
        before = len(c._transport.writes)
        with mock.patch.object(conn_mod.os, 'urandom', fake_urandom):
            try:
                c.send_packet(payload[0], payload[1:])
            except asyncssh.ProtocolError as exc:
                # cipher "none": AsyncSSH refuses to roll the sequence
                # number over before kex completes -- *after* sending.
                if not (c._send_encryption is None and seq == 0xFFFFFFFF):
                    raise
                out_note = str(exc)
                c._send_seq = 0
                harness.none_rollover_error = out_note
        assert len(c._transport.writes) == before + 1, 'exactly one packet'
        assert len(recorded) == 1
        out.append({'seq': seq, 'payload': payload.hex(),
                    'padding': recorded[0].hex(),
                    'wire': c._transport.writes[-1].hex()})
    return out


harness.none_rollover_error = None


def build_sequence(cipher, mac, wrap, lengths):
    keys = C.key_material(cipher, mac, wrap)
    seq0 = C.WRAP_INITIAL_SEQ if wrap else 0
    payloads = [C.payload(cipher, mac, wrap, i, n) for i, n in enumerate(lengths)]
    paddings = [
        (lambda n, i=i: C.asyncssh_pad_bytes(cipher, mac, wrap, i, n))
        for i in range(len(lengths))]
    a = direct(cipher, mac, keys, seq0, payloads, paddings)
    b = harness(cipher, mac, keys, seq0, payloads, paddings)
    if a != b:
        raise SystemExit(f'direct/harness mismatch for {cipher} {mac} wrap={wrap}')
    enc_key, iv, mac_key = keys
    return {
        'initialSequenceNumber': seq0,
        'encKey': enc_key.hex(),
        'iv': iv.hex(),
        'macKey': mac_key.hex(),
        'packets': a,
    }


def main(argv):
    large_everywhere = '--large-everywhere' in argv
    source = source_string()
    written = []
    for cipher, mac in COMBOS:
        lengths = list(C.PAYLOAD_LENGTHS)
        if large_everywhere or (cipher, mac) in LARGE_PAYLOAD_FILES:
            lengths.append(C.LARGE_PAYLOAD_LENGTH)
        _, _, blocksize = params(cipher, mac)
        main_seq = build_sequence(cipher, mac, False, lengths)
        wrap_seq = build_sequence(cipher, mac, True, C.WRAP_PAYLOAD_LENGTHS)
        doc = {
            'source': source,
            'generator': GENERATOR,
            'command': COMMAND,
            'cipher': cipher,
            'mac': mac,
            'encKey': main_seq['encKey'],
            'iv': main_seq['iv'],
            'macKey': main_seq['macKey'],
            'blockSize': blocksize,
            'initialSequenceNumber': main_seq['initialSequenceNumber'],
            'packets': main_seq['packets'],
            'wrapSequence': wrap_seq,
        }
        path = os.path.join(C.PACKETS_DIR, C.file_name(SOURCE, cipher, mac))
        C.write_vector(path, doc)
        written.append(path)
    for p in written:
        print(os.path.relpath(p, C.REPO_ROOT))
    if harness.none_rollover_error:
        print('note: cipher none, seq 0xffffffff: send_packet() sent the packet '
              f'and then raised ProtocolError({harness.none_rollover_error!r})')
    print(f'{len(written)} files written (direct framing == real send_packet)')


if __name__ == '__main__':
    C.require_debian_python()
    main(sys.argv[1:])

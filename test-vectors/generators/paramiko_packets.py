#!/usr/bin/python3
"""Generate SSH binary-packet known-answer vectors with paramiko 2.12.0.

Run from the repository root with Debian's interpreter:

    /usr/bin/python3 test-vectors/generators/paramiko_packets.py [--large-everywhere]

paramiko's real Packetizer (paramiko/packet.py) does all framing, padding,
encryption and MAC computation; it writes into a fake socket whose send()
captures the bytes.  The outbound cipher is installed exactly as
Transport._activate_outbound() does it:

    engine  = Transport._get_cipher(name, key, iv, Transport._ENCRYPT)
              # cryptography Cipher(AES(key), CTR(iv)).encryptor()
    block_size = Transport._cipher_info[name]["block-size"]     # 16
    mac_engine, mac_size = Transport._mac_info[mac]["class"/"size"]
    etm   = "etm@openssh.com" in mac
    sdctr = name.endswith("-ctr")                                # True
    packetizer.set_outbound_cipher(engine, block_size, mac_engine,
                                   mac_size, mac_key, sdctr, etm=etm)

Padding rule (Packetizer._build_packet):

    addlen  = 4 if etm else 8
    padding = 3 + bsize - ((len(payload) + addlen) % bsize)
    if sdctr or no cipher: padding bytes are all zero
    else:                  os.urandom(padding)

so for every *-ctr combination paramiko sends all-zero padding; os.urandom
is nevertheless patched with a deterministic source (and the generator
asserts it was never called), and the padding is recorded from the
plaintext that was actually built.

Sequence numbers: Packetizer has no public setter, so the wrap sequence
sets the private attribute `_Packetizer__sequence_number_out` to 2^32 - 2
right after set_outbound_cipher(); send_message() then increments it with
`& 0xffffffff`.
"""

import os
import sys
import warnings
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

warnings.simplefilter('ignore')

try:
    import paramiko  # noqa: E402
except ImportError:  # pragma: no cover
    sys.exit('paramiko not importable: run with /usr/bin/python3 (Debian python3-paramiko)')
from paramiko import packet as packet_mod  # noqa: E402
from paramiko.transport import Transport  # noqa: E402

import _common as C  # noqa: E402

SOURCE = 'paramiko'
GENERATOR = 'test-vectors/generators/paramiko_packets.py'
COMMAND = '/usr/bin/python3 test-vectors/generators/paramiko_packets.py'

# Every combination from the sshts list that paramiko 2.12 can send.
# (hmac-sha1-etm@openssh.com is not in Transport._mac_info; AES-GCM and
# chacha20-poly1305 are not in Transport._cipher_info.)
COMBOS = [(c, m) for c in C.CTR_CIPHERS for m in C.MACS
          if c in Transport._cipher_info and m in Transport._mac_info]
UNSUPPORTED = [(c, m) for c in C.CTR_CIPHERS for m in C.MACS
               if (c, m) not in COMBOS]

# Files that also carry the 32768-byte payload (size budget, see README).
LARGE_PAYLOAD_FILES = set()


def source_string() -> str:
    return (f'paramiko {paramiko.__version__} '
            f'(Debian python3-paramiko {C.deb_version("python3-paramiko")})')


class FakeSocket:
    def __init__(self):
        self.sent = []

    def send(self, data):
        self.sent.append(bytes(data))
        return len(data)


def new_packetizer(cipher, mac, enc_key, iv, mac_key):
    sock = FakeSocket()
    p = packet_mod.Packetizer(sock)
    engine = Transport._get_cipher(Transport, cipher, enc_key, iv, Transport._ENCRYPT)
    block_size = Transport._cipher_info[cipher]['block-size']
    mac_engine = Transport._mac_info[mac]['class']
    mac_size = Transport._mac_info[mac]['size']
    assert len(mac_key) == mac_engine().digest_size
    etm = 'etm@openssh.com' in mac
    sdctr = cipher.endswith('-ctr')
    p.set_outbound_cipher(engine, block_size, mac_engine, mac_size, mac_key, sdctr, etm=etm)
    return p, sock, block_size, etm


def build_sequence(cipher, mac, wrap, lengths):
    enc_key, iv, mac_key = C.key_material(cipher, mac, wrap)
    p, sock, block_size, etm = new_packetizer(cipher, mac, enc_key, iv, mac_key)
    seq0 = C.WRAP_INITIAL_SEQ if wrap else 0
    if wrap:
        p._Packetizer__sequence_number_out = seq0

    urandom_calls = []

    def fake_urandom(n):  # deterministic, recorded; unused for -ctr
        b = C.det_bytes(f'paramiko-urandom/{len(urandom_calls)}', n)
        urandom_calls.append(b)
        return b

    # Capture the plaintext packet paramiko builds (to record its padding).
    built = []
    orig_build = packet_mod.Packetizer._build_packet

    def spy_build(self, payload):
        pkt = orig_build(self, payload)
        built.append(pkt)
        return pkt

    packets = []
    seq = seq0
    with mock.patch.object(packet_mod.os, 'urandom', fake_urandom), \
            mock.patch.object(packet_mod.Packetizer, '_build_packet', spy_build):
        for i, n in enumerate(lengths):
            payload = C.payload(cipher, mac, wrap, i, n)
            assert p._Packetizer__sequence_number_out == seq
            before = len(sock.sent)
            p.send_message(payload)
            assert len(sock.sent) == before + 1
            plain = built[-1]
            padlen = plain[4]
            assert int.from_bytes(plain[:4], 'big') == 1 + len(payload) + padlen
            assert plain[5:5 + len(payload)] == payload
            padding = plain[5 + len(payload):]
            assert len(padding) == padlen
            packets.append({'seq': seq, 'payload': payload.hex(),
                            'padding': padding.hex(), 'wire': sock.sent[-1].hex()})
            seq = (seq + 1) & 0xFFFFFFFF
    assert not urandom_calls, 'paramiko used os.urandom padding for a -ctr cipher?'
    assert p._Packetizer__sequence_number_out == seq
    return block_size, {
        'initialSequenceNumber': seq0,
        'encKey': enc_key.hex(),
        'iv': iv.hex(),
        'macKey': mac_key.hex(),
        'packets': packets,
    }


def main(argv):
    large_everywhere = '--large-everywhere' in argv
    source = source_string()
    written = []
    for cipher, mac in COMBOS:
        lengths = list(C.PAYLOAD_LENGTHS)
        if large_everywhere or (cipher, mac) in LARGE_PAYLOAD_FILES:
            lengths.append(C.LARGE_PAYLOAD_LENGTH)
        block_size, main_seq = build_sequence(cipher, mac, False, lengths)
        _, wrap_seq = build_sequence(cipher, mac, True, C.WRAP_PAYLOAD_LENGTHS)
        doc = {
            'source': source,
            'generator': GENERATOR,
            'command': COMMAND,
            'cipher': cipher,
            'mac': mac,
            'encKey': main_seq['encKey'],
            'iv': main_seq['iv'],
            'macKey': main_seq['macKey'],
            'blockSize': block_size,
            'initialSequenceNumber': 0,
            'packets': main_seq['packets'],
            'wrapSequence': wrap_seq,
        }
        path = os.path.join(C.PACKETS_DIR, C.file_name(SOURCE, cipher, mac))
        C.write_vector(path, doc)
        written.append(path)
    for p in written:
        print(os.path.relpath(p, C.REPO_ROOT))
    for c, m in UNSUPPORTED:
        print(f'skipped (not supported by paramiko {paramiko.__version__}): {c} + {m}')
    print(f'{len(written)} files written')


if __name__ == '__main__':
    C.require_debian_python()
    main(sys.argv[1:])

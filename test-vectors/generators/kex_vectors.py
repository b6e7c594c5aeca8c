#!/usr/bin/python3
"""Generate SSH key-exchange known-answer vectors with paramiko 2.12.0 and AsyncSSH 2.10.1.

Run from the repository root with Debian's interpreter:

    /usr/bin/python3 test-vectors/generators/kex_vectors.py

Writes test-vectors/kex/*.json.  See test-vectors/kex/README.md for the format.

How it works
------------
For each method, the peer library's own key-exchange classes run BOTH sides:
a client-mode object and a server-mode object, each attached to a small fake
transport (paramiko) or fake connection (AsyncSSH) that captures the messages
they send and supplies the identification strings, the KEXINIT payloads and
the host key.  The generator delivers the client's messages to the server
object and the server's to the client object, then checks that both sides
agree on K and H and that the client accepted the server's signature.

Only the private values are injected, by monkeypatching the libraries' key
generation (paramiko: X25519PrivateKey.generate, ec.generate_private_key,
Kex*._generate_x; AsyncSSH: X25519PrivateKey.generate, kex_dh.randrange).
They are derived from deterministic "random bytes" with exactly the rules
@sshts/kex uses to turn KexContext.randomBytes() into a private value, so
a test can replay the recorded bytes through randomBytes() and must get
the same messages, K and H:

  * X25519:  the private key is the first 32 random bytes, as given.
  * ECDH:    take ceil(bits(n)/8) bytes, clear the bits above bits(n), read
             big-endian; accept if 1 <= d < n, else take fresh bytes.
  * FF-DH:   take 64 bytes, read big-endian (a 512-bit exponent); accept if
             2 <= x < p - 1 and g^x mod p passes OpenSSH's dh_pub_is_valid
             (1 < y < p - 1, at least 4 bits set), else take fresh bytes.

Random bytes come from det_bytes(label, n) (generators/_common.py): the k-th
request of n bytes on a stream gets det_bytes(f"{stream}/{k}", n); the
vector records the concatenation of everything a side took.

The derived keys (RFC 4253 section 7.2) are computed by paramiko's own
Transport._compute_key (and checked against AsyncSSH's Kex.compute_key),
including lengths longer than the hash to exercise the K1 || K2 || ...
extension rule.

Cross-checks: every paramiko vector is replayed with AsyncSSH as the client
against the recorded server reply (same private value, same prefix) and must
give the same INIT message, K and H.  The AsyncSSH group18 vector is
re-computed with paramiko's generic KexGroup1 code given the RFC 3526
section 7 prime.  paramiko's and AsyncSSH's key derivations must agree.
"""

import io
import os
import sys
import warnings
from types import SimpleNamespace
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
warnings.simplefilter('ignore')

try:
    import asyncssh  # noqa: E402
    import paramiko  # noqa: E402
except ImportError:  # pragma: no cover
    sys.exit('paramiko/asyncssh not importable: run with /usr/bin/python3')

from asyncssh import kex as a_kex  # noqa: E402
from asyncssh import kex_dh as a_kex_dh  # noqa: E402
from asyncssh.crypto import ec_params  # noqa: E402
from asyncssh.packet import SSHPacket  # noqa: E402
from asyncssh.public_key import SSHLocalKeyPair, decode_ssh_public_key  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, x25519  # noqa: E402
from paramiko import kex_curve25519, kex_ecdh_nist, kex_gex, kex_group14, kex_group16  # noqa: E402
from paramiko.kex_group1 import KexGroup1  # noqa: E402
from paramiko.message import Message  # noqa: E402
from paramiko.transport import Transport  # noqa: E402

import _common as C  # noqa: E402

GENERATOR = 'test-vectors/generators/kex_vectors.py'
COMMAND = '/usr/bin/python3 test-vectors/generators/kex_vectors.py'
KEX_DIR = os.path.join(C.VECTORS_ROOT, 'kex')
MODULI = '/etc/ssh/moduli'

V_C = 'SSH-2.0-sshts_kex_vectors_client'
V_S = 'SSH-2.0-sshts_kex_vectors_server'

HASH_NAMES = {'sha1': 'sha1', 'sha256': 'sha256', 'sha384': 'sha384', 'sha512': 'sha512'}

# Lengths asked of the key derivation (RFC 4253 7.2): AES-CTR IVs, an AES-256 key, a chacha20-poly1305
# key (64 bytes), an hmac-sha1 key, and 100 bytes, longer than every hash (forces K2, K3...).
DERIVE = [('A', 16), ('B', 16), ('C', 32), ('D', 64), ('E', 20), ('F', 100)]

# RFC 3526 section 7 (8192-bit MODP group), as AsyncSSH ships it.
GROUP18_P = a_kex_dh._group18_p


# ---------------------------------------------------------------------------------------------
# Deterministic randomness and the private-value rules of @sshts/kex


class RandomStream:
    """A source of deterministic 'random bytes' that records what was taken."""

    def __init__(self, label):
        self.label = label
        self.count = 0
        self.taken = b''

    def take(self, n):
        out = C.det_bytes(f'{self.label}/{self.count}', n)
        self.count += 1
        self.taken += out
        return out


def dh_pub_is_valid(y, p):
    """OpenSSH dh.c dh_pub_is_valid: 1 < y < p - 1 and at least 4 bits set."""
    return 1 < y < p - 1 and bin(y).count('1') >= 4


def x25519_private(rs):
    return rs.take(32)


def ec_private(rs, order):
    bits = order.bit_length()
    length = (bits + 7) // 8
    while True:
        d = int.from_bytes(rs.take(length), 'big') & ((1 << bits) - 1)
        if 1 <= d < order:
            return d


def dh_private(rs, p, g):
    while True:
        x = int.from_bytes(rs.take(64), 'big')
        if 2 <= x < p - 1 and dh_pub_is_valid(pow(g, x, p), p):
            return x


def mpint(v):
    m = Message()
    m.add_mpint(v)
    return m.asbytes()


def sshstr(b):
    m = Message()
    m.add_string(b)
    return m.asbytes()


def int_hex(v):
    h = format(v, 'x')
    return h if len(h) % 2 == 0 else '0' + h


# ---------------------------------------------------------------------------------------------
# Fixed inputs: host key and KEXINIT payloads

HOST_SEED = C.det_bytes('sshts-kex/host-key/ed25519-seed', 32)
_host_private = ed25519.Ed25519PrivateKey.from_private_bytes(HOST_SEED)
HOST_PEM = _host_private.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
).decode()
P_HOST_KEY = paramiko.Ed25519Key(file_obj=io.StringIO(HOST_PEM))
A_HOST_KEY = SSHLocalKeyPair(asyncssh.import_private_key(HOST_PEM))
HOST_KEY_BLOB = P_HOST_KEY.asbytes()
assert A_HOST_KEY.public_data == HOST_KEY_BLOB


def kexinit(method, side):
    m = Message()
    m.add_byte(bytes([20]))
    m.add_bytes(C.det_bytes(f'sshts-kex/{method}/{side}/cookie', 16))
    kex = [method, 'ext-info-c' if side == 'client' else 'kex-strict-s-v00@openssh.com']
    for names in (kex, ['ssh-ed25519'], ['aes128-ctr'], ['aes128-ctr'], ['hmac-sha2-256'],
                  ['hmac-sha2-256'], ['none'], ['none'], [], []):
        m.add_list(names)
    m.add_boolean(False)
    m.add_int(0)
    return m.asbytes()


def hash_prefix(I_C, I_S):
    return sshstr(V_C.encode()) + sshstr(V_S.encode()) + sshstr(I_C) + sshstr(I_S)


def read_moduli(size, generator):
    """The first line of Debian's /etc/ssh/moduli with this size field and generator."""
    with open(MODULI) as f:
        for number, line in enumerate(f, 1):
            fields = line.split()
            if line.startswith('#') or len(fields) != 7:
                continue
            if int(fields[4]) == size and int(fields[5]) == generator:
                return number, line.strip(), int(fields[6], 16), int(fields[5])
    raise SystemExit(f'no {size}-bit modulus with g={generator} in {MODULI}')


# ---------------------------------------------------------------------------------------------
# paramiko driver


class PTransport:
    """Just enough of paramiko.Transport for the kex classes (their self.transport)."""

    host_key_type = 'ssh-ed25519'

    def __init__(self, server_mode, I_C, I_S, pack=None):
        self.server_mode = server_mode
        if server_mode:
            self.local_version, self.remote_version = V_S, V_C
            self.local_kex_init, self.remote_kex_init = I_S, I_C
        else:
            self.local_version, self.remote_version = V_C, V_S
            self.local_kex_init, self.remote_kex_init = I_C, I_S
        self.sent = []
        self.K = self.H = None
        self.verified = False
        self.pack = pack

    def _send_message(self, m):
        self.sent.append(m.asbytes())

    def _expect_packet(self, *ptypes):
        self.expected = ptypes

    def _set_K_H(self, k, h):
        self.K, self.H = k, h

    def _verify_key(self, host_key, sig):
        key = paramiko.Ed25519Key(data=host_key)
        assert key.verify_ssh_sig(self.H, Message(sig)), 'paramiko client rejected the signature'
        self.verified = True

    def _activate_outbound(self):
        pass

    def get_server_key(self):
        return P_HOST_KEY

    def _get_modulus_pack(self):
        return self.pack

    def _log(self, *args):
        pass


def p_deliver(kex, payload):
    m = Message(payload)
    ptype = m.get_byte()[0]
    kex.parse_next(ptype, m)


class FixedPack:
    def __init__(self, g, p):
        self.g, self.p = g, p
        self.asked = None

    def get_modulus(self, minbits, prefbits, maxbits):
        self.asked = (minbits, prefbits, maxbits)
        return self.g, self.p


def x25519_shim(private_bytes):
    class Shim:
        @staticmethod
        def generate():
            return x25519.X25519PrivateKey.from_private_bytes(private_bytes)

    return Shim


def ec_patch(d):
    return mock.patch.object(
        kex_ecdh_nist.ec, 'generate_private_key', lambda curve, backend=None: ec.derive_private_key(d, curve)
    )


def curve_order(curve_id):
    """The group order n, from AsyncSSH's table of curve parameters (asyncssh/crypto/ec_params.py)."""
    for params, name in ec_params._curve_param_map.items():
        if name == curve_id:
            return params[4]
    raise KeyError(curve_id)


CURVES = {
    'ecdh-sha2-nistp256': (kex_ecdh_nist.KexNistp256, curve_order(b'nistp256')),
    'ecdh-sha2-nistp384': (kex_ecdh_nist.KexNistp384, curve_order(b'nistp384')),
    'ecdh-sha2-nistp521': (kex_ecdh_nist.KexNistp521, curve_order(b'nistp521')),
}

FIXED_GROUPS = {
    'diffie-hellman-group14-sha1': kex_group14.KexGroup14,
    'diffie-hellman-group14-sha256': kex_group14.KexGroup14SHA256,
    'diffie-hellman-group16-sha512': kex_group16.KexGroup16SHA512,
}


def paramiko_run(method, variant=''):
    """Runs paramiko client and server; returns the vector dict (without derivations)."""
    I_C, I_S = kexinit(method, 'client'), kexinit(method, 'server')
    crs = RandomStream(f'sshts-kex/{method}{variant}/client/random')
    srs = RandomStream(f'sshts-kex/{method}{variant}/server/random')
    gex = None
    pack = None
    if 'group-exchange' in method:
        size, gen = (3071, 2) if method.endswith('sha256') else (2047, 5)
        line_no, line, p, g = read_moduli(size, gen)
        pack = FixedPack(g, p)
        gex = {
            'groupSizes': {'min': 2048, 'preferred': 3072 if size == 3071 else 2048, 'max': 8192},
            'group': {
                'p': int_hex(p),
                'g': g,
                'source': f'{MODULI} line {line_no} (Debian openssh-server '
                f'{C.deb_version("openssh-server")}): {line[:60]}...',
            },
        }
    ct, st = PTransport(False, I_C, I_S), PTransport(True, I_C, I_S, pack)
    vec = {'client': {}, 'server': {}}

    if method.startswith('curve25519'):
        cpriv, spriv = x25519_private(crs), x25519_private(srs)
        ck, sk = kex_curve25519.KexCurve25519(ct), kex_curve25519.KexCurve25519(st)
        with mock.patch.object(kex_curve25519, 'X25519PrivateKey', x25519_shim(cpriv)):
            ck.start_kex()
        with mock.patch.object(kex_curve25519, 'X25519PrivateKey', x25519_shim(spriv)):
            sk.start_kex()
        p_deliver(sk, ct.sent[0])
        p_deliver(ck, st.sent[0])
        vec['client']['private'], vec['server']['private'] = cpriv.hex(), spriv.hex()
        names = ['KEX_ECDH_INIT', 'KEX_ECDH_REPLY']
    elif method in CURVES:
        cls, order = CURVES[method]
        cd, sd = ec_private(crs, order), ec_private(srs, order)
        ck, sk = cls(ct), cls(st)
        with ec_patch(cd):
            ck.start_kex()
        with ec_patch(sd):
            sk.start_kex()
        p_deliver(sk, ct.sent[0])
        p_deliver(ck, st.sent[0])
        vec['client']['private'], vec['server']['private'] = int_hex(cd), int_hex(sd)
        names = ['KEX_ECDH_INIT', 'KEX_ECDH_REPLY']
    elif method in FIXED_GROUPS:
        cls = FIXED_GROUPS[method]
        x, y = dh_private(crs, cls.P, cls.G), dh_private(srs, cls.P, cls.G)
        ck, sk = cls(ct), cls(st)
        ck._generate_x = lambda: setattr(ck, 'x', x)
        sk._generate_x = lambda: setattr(sk, 'x', y)
        ck.start_kex()
        sk.start_kex()
        p_deliver(sk, ct.sent[0])
        p_deliver(ck, st.sent[0])
        vec['client']['private'], vec['server']['private'] = int_hex(x), int_hex(y)
        names = ['KEXDH_INIT', 'KEXDH_REPLY']
    else:
        cls = kex_gex.KexGexSHA256 if method.endswith('sha256') else kex_gex.KexGex
        ck, sk = cls(ct), cls(st)
        sizes = gex['groupSizes']
        ck.min_bits, ck.preferred_bits, ck.max_bits = sizes['min'], sizes['preferred'], sizes['max']
        privates = {}

        def gen(kex, rs, role):
            def run():
                kex.x = dh_private(rs, kex.p, kex.g)
                privates[role] = kex.x

            return run

        ck._generate_x = gen(ck, crs, 'client')
        sk._generate_x = gen(sk, srs, 'server')
        ck.start_kex()
        sk.start_kex()
        p_deliver(sk, ct.sent[0])  # GEX_REQUEST -> GEX_GROUP
        assert pack.asked == (sizes['min'], sizes['preferred'], sizes['max'])
        p_deliver(ck, st.sent[0])  # GEX_GROUP -> GEX_INIT
        p_deliver(sk, ct.sent[1])  # GEX_INIT -> GEX_REPLY
        p_deliver(ck, st.sent[1])  # GEX_REPLY
        vec['client']['private'] = int_hex(privates['client'])
        vec['server']['private'] = int_hex(privates['server'])
        vec.update(gex)
        names = ['KEX_DH_GEX_REQUEST', 'KEX_DH_GEX_GROUP', 'KEX_DH_GEX_INIT', 'KEX_DH_GEX_REPLY']

    assert ct.K == st.K and ct.H == st.H, f'{method}: paramiko client and server disagree'
    assert ct.verified
    order = []
    for i in range(len(ct.sent)):
        order.append(('client', ct.sent[i]))
        if i < len(st.sent):
            order.append(('server', st.sent[i]))
    vec['client']['random'] = crs.taken.hex()
    vec['server']['random'] = srs.taken.hex()
    vec['messages'] = [{'from': who, 'name': n, 'payload': m.hex()} for (who, m), n in zip(order, names)]
    return finish(vec, method, ck.hash_algo().name, I_C, I_S, ct.K, ct.H, st.sent[-1], ck)


def reply_signature(reply_payload):
    """The signature string at the end of a *_REPLY message (string K_S, string-or-mpint, string sig)."""
    m = Message(reply_payload)
    m.get_byte()
    m.get_string()  # K_S
    m.get_string()  # Q_S, or f (an mpint is a string on the wire)
    return m.get_string()


def finish(vec, method, hash_name, I_C, I_S, K, H, reply, kex_engine):
    hash_name = HASH_NAMES[hash_name]
    K_wire = mpint(K)
    derived = []
    # A later key exchange: the session id is the first H, not this one.
    other_session = C.det_bytes(f'sshts-kex/{method}/other-session-id', 32)
    for session_id, label in ((H, 'H'), (other_session, 'other')):
        fake = SimpleNamespace(K=K, H=H, session_id=session_id, kex_engine=kex_engine, _log=lambda *a: None)
        for letter, n in DERIVE if label == 'H' else DERIVE[2:4]:
            value = Transport._compute_key(fake, letter, n)
            a_value = a_kex.Kex.compute_key(
                SimpleNamespace(_hash_alg=kex_engine.hash_algo), K, H, letter.encode(), session_id, n
            )
            assert value == a_value, f'{method}: paramiko and AsyncSSH derive different keys'
            derived.append({'letter': letter, 'length': n, 'sessionId': session_id.hex(), 'value': value.hex()})
    out = {
        'method': method,
        'hash': hash_name,
        'hostKeyAlgorithm': 'ssh-ed25519',
        'V_C': V_C,
        'V_S': V_S,
        'I_C': I_C.hex(),
        'I_S': I_S.hex(),
        'exchangeHashPrefix': hash_prefix(I_C, I_S).hex(),
        'hostKeyBlob': HOST_KEY_BLOB.hex(),
    }
    out.update(vec)
    out['K'] = int_hex(K)
    out['sharedSecret'] = K_wire.hex()
    out['exchangeHash'] = H.hex()
    out['signature'] = reply_signature(reply).hex()
    out['derivedKeys'] = derived
    return out


# ---------------------------------------------------------------------------------------------
# AsyncSSH driver


class AConn:
    """Just enough of asyncssh.SSHConnection for the kex handlers."""

    logger = asyncssh.logging.logger

    def __init__(self, client, prefix):
        self._client = client
        self._prefix = prefix
        self.sent = []
        self.k = self.h = None

    def is_client(self):
        return self._client

    def is_server(self):
        return not self._client

    def get_hash_prefix(self):
        return self._prefix

    def send_packet(self, pkttype, *args, handler=None):
        self.sent.append(bytes([pkttype]) + b''.join(args))

    def get_server_host_key(self):
        return A_HOST_KEY

    def validate_server_host_key(self, data):
        return decode_ssh_public_key(data)

    def send_newkeys(self, k, h):
        self.k, self.h = k, h


def a_deliver(kex, payload):
    assert kex.process_packet(payload[0], None, SSHPacket(payload[1:])), 'AsyncSSH did not handle the message'


def a_x25519_patch(private_bytes):
    return mock.patch.object(
        x25519.X25519PrivateKey,
        'generate',
        staticmethod(lambda: x25519.X25519PrivateKey.from_private_bytes(private_bytes)),
    )


def asyncssh_make(method, conn, private):
    """Creates an AsyncSSH handler with its private value fixed."""
    if method.startswith('curve25519'):
        with a_x25519_patch(private):
            return a_kex.get_kex(conn, method.encode()), None
    if method.startswith('ecdh'):
        with ec_patch(private):
            return a_kex.get_kex(conn, method.encode()), None
    return a_kex.get_kex(conn, method.encode()), mock.patch.object(a_kex_dh, 'randrange', lambda a, b: private)


def parse_private(method, hexval):
    return bytes.fromhex(hexval) if method.startswith('curve25519') else int(hexval, 16)


def asyncssh_client_replay(vec):
    """AsyncSSH as the client against the recorded server messages: same INIT, K and H?"""
    method = vec['method']
    conn = AConn(True, bytes.fromhex(vec['exchangeHashPrefix']))
    kex, rand = asyncssh_make(method, conn, parse_private(method, vec['client']['private']))
    server_msgs = [bytes.fromhex(m['payload']) for m in vec['messages'] if m['from'] == 'server']
    client_msgs = [bytes.fromhex(m['payload']) for m in vec['messages'] if m['from'] == 'client']
    sizes = vec.get('groupSizes')
    patches = [rand] if rand else []
    if sizes:
        patches += [
            mock.patch.object(a_kex_dh, 'KEX_DH_GEX_MIN_SIZE', sizes['min']),
            mock.patch.object(a_kex_dh, 'KEX_DH_GEX_PREFERRED_SIZE', sizes['preferred']),
            mock.patch.object(a_kex_dh, 'KEX_DH_GEX_MAX_SIZE', sizes['max']),
        ]
    for p in patches:
        p.start()
    try:
        kex.start()
        for msg in server_msgs:
            a_deliver(kex, msg)
    finally:
        for p in patches:
            p.stop()
    assert conn.sent == client_msgs, f'{method}: AsyncSSH client sent different messages'
    assert mpint(conn.k).hex() == vec['sharedSecret'], f'{method}: AsyncSSH K differs'
    assert conn.h.hex() == vec['exchangeHash'], f'{method}: AsyncSSH H differs'


def asyncssh_run(method, variant=''):
    """AsyncSSH on both sides of a 30/31 method; returns the vector dict."""
    I_C, I_S = kexinit(method, 'client'), kexinit(method, 'server')
    prefix = hash_prefix(I_C, I_S)
    crs = RandomStream(f'sshts-kex/{method}{variant}/client/random')
    srs = RandomStream(f'sshts-kex/{method}{variant}/server/random')
    if method.startswith('curve25519'):
        cpriv, spriv = x25519_private(crs), x25519_private(srs)
        names = ['KEX_ECDH_INIT', 'KEX_ECDH_REPLY']
    else:
        p, g = GROUP18_P, 2
        cpriv, spriv = dh_private(crs, p, g), dh_private(srs, p, g)
        names = ['KEXDH_INIT', 'KEXDH_REPLY']
    cconn, sconn = AConn(True, prefix), AConn(False, prefix)
    ck, crand = asyncssh_make(method, cconn, cpriv)
    sk, srand = asyncssh_make(method, sconn, spriv)
    if crand:
        with crand:
            ck.start()
    else:
        ck.start()
    sk.start()
    if srand:
        with srand:
            a_deliver(sk, cconn.sent[0])
    else:
        a_deliver(sk, cconn.sent[0])
    a_deliver(ck, sconn.sent[0])
    assert cconn.k == sconn.k and cconn.h == sconn.h, f'{method}: AsyncSSH client and server disagree'
    fmt = (lambda v: v.hex()) if isinstance(cpriv, bytes) else int_hex
    vec = {
        'client': {'private': fmt(cpriv), 'random': crs.taken.hex()},
        'server': {'private': fmt(spriv), 'random': srs.taken.hex()},
        'messages': [
            {'from': 'client', 'name': names[0], 'payload': cconn.sent[0].hex()},
            {'from': 'server', 'name': names[1], 'payload': sconn.sent[0].hex()},
        ],
    }
    engine = SimpleNamespace(hash_algo=ck._hash_alg)
    return finish(vec, method, ck._hash_alg().name, I_C, I_S, cconn.k, cconn.h, sconn.sent[0], engine)


def paramiko_group18_crosscheck(vec):
    """paramiko's generic KexGroup1 code, given the RFC 3526 section 7 prime, as the client."""

    class KexGroup18(KexGroup1):
        P = GROUP18_P
        G = 2
        name = 'diffie-hellman-group18-sha512'
        hash_algo = kex_group16.KexGroup16SHA512.hash_algo

    ct = PTransport(False, bytes.fromhex(vec['I_C']), bytes.fromhex(vec['I_S']))
    ck = KexGroup18(ct)
    x = int(vec['client']['private'], 16)
    ck._generate_x = lambda: setattr(ck, 'x', x)
    ck.start_kex()
    assert ct.sent[0].hex() == vec['messages'][0]['payload']
    p_deliver(ck, bytes.fromhex(vec['messages'][1]['payload']))
    assert ct.verified and ct.H.hex() == vec['exchangeHash'] and mpint(ct.K).hex() == vec['sharedSecret']


def find_leading_zero_variant(method):
    """A variant label whose X25519 shared secret starts with a zero byte (K's mpint is shorter)."""
    for i in range(100000):
        variant = f'/leading-zero-K/{i}'
        a = x25519_private(RandomStream(f'sshts-kex/{method}{variant}/client/random'))
        b = x25519_private(RandomStream(f'sshts-kex/{method}{variant}/server/random'))
        pa = x25519.X25519PrivateKey.from_private_bytes(a)
        pb = x25519.X25519PrivateKey.from_private_bytes(b).public_key()
        if pa.exchange(pb)[0] == 0:
            return variant
    raise SystemExit('no leading-zero variant found')


def find_leading_zero_ec_variant(method):
    """A variant whose ECDH x-coordinate starts with a zero byte."""
    cls, order = CURVES[method]
    for i in range(100000):
        variant = f'/leading-zero-K/{i}'
        a = ec_private(RandomStream(f'sshts-kex/{method}{variant}/client/random'), order)
        b = ec_private(RandomStream(f'sshts-kex/{method}{variant}/server/random'), order)
        ka = ec.derive_private_key(a, cls.curve)
        kb = ec.derive_private_key(b, cls.curve)
        if ka.exchange(ec.ECDH(), kb.public_key())[0] == 0:
            return variant
    raise SystemExit('no leading-zero variant found')


# ---------------------------------------------------------------------------------------------


def provenance(source, cross, note=None):
    doc = {'source': source, 'generator': GENERATOR, 'command': COMMAND, 'crossCheck': cross}
    if note:
        doc['note'] = note
    return doc


def main():
    C.require_debian_python()
    p_src = f'paramiko {paramiko.__version__} (Debian python3-paramiko {C.deb_version("python3-paramiko")})'
    a_src = f'asyncssh {asyncssh.__version__} (Debian python3-asyncssh {C.deb_version("python3-asyncssh")})'
    files = {}

    jobs = [
        ('curve25519-sha256@libssh.org', ''),
        ('curve25519-sha256@libssh.org', find_leading_zero_variant('curve25519-sha256@libssh.org')),
        ('ecdh-sha2-nistp256', ''),
        ('ecdh-sha2-nistp256', find_leading_zero_ec_variant('ecdh-sha2-nistp256')),
        ('ecdh-sha2-nistp384', ''),
        ('ecdh-sha2-nistp521', ''),
        ('diffie-hellman-group14-sha1', ''),
        ('diffie-hellman-group14-sha256', ''),
        ('diffie-hellman-group16-sha512', ''),
        ('diffie-hellman-group-exchange-sha1', ''),
        ('diffie-hellman-group-exchange-sha256', ''),
    ]
    for method, variant in jobs:
        vec = paramiko_run(method, variant)
        asyncssh_client_replay(vec)
        note = None
        suffix = ''
        if variant:
            suffix = '-leading-zero-K'
            note = f'K has a leading zero byte, so its mpint is shorter than the field (variant label {variant!r})'
        doc = provenance(
            p_src,
            f'{a_src}: run as the client against the recorded server messages with the same private '
            'value; same INIT, K and H. Derived keys equal Kex.compute_key.',
            note,
        )
        doc.update(vec)
        files[f'paramiko-{method}{suffix}.json'] = doc

    for method in ('diffie-hellman-group18-sha512', 'curve25519-sha256'):
        vec = asyncssh_run(method)
        if method.startswith('diffie-hellman'):
            paramiko_group18_crosscheck(vec)
            cross = (
                f"{p_src}: paramiko's KexGroup1 code with P = RFC 3526 section 7 prime, as the client "
                'against the recorded reply; same INIT, K and H, signature verified.'
            )
        else:
            cross = 'AsyncSSH client and server objects agree; derived keys equal paramiko Transport._compute_key.'
        doc = provenance(a_src, cross)
        doc.update(vec)
        files[f'asyncssh-{method}.json'] = doc

    os.makedirs(KEX_DIR, exist_ok=True)
    total = 0
    for name, doc in files.items():
        path = os.path.join(KEX_DIR, name)
        C.write_vector(path, doc)
        total += os.path.getsize(path)
        print(f'wrote {os.path.relpath(path, C.REPO_ROOT)}')
    print(f'{len(files)} files, {total} bytes')


if __name__ == '__main__':
    main()

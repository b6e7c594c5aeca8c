"""Adds RSA signatures made by paramiko and AsyncSSH to one test-vectors/keys/openssh-rsa-*.json file.

Called by keys.sh while the ssh-keygen-made private key still exists:

    /usr/bin/python3 test-vectors/generators/rsa_signatures.py KEY JSONFILE MESSAGE

`ssh-keygen -Y sign` only makes rsa-sha2-512 signatures, so this script adds, over the raw bytes of
MESSAGE (UTF-8):

* paramiko 2.12.0  RSAKey.sign_ssh_data(data, algorithm=A)  for A in rsa-sha2-256, rsa-sha2-512, ssh-rsa
* AsyncSSH 2.10.1  SSHKey.sign(data, A)                      for the same three algorithms

Every signature is checked by the *other* library before it is written (paramiko
RSAKey.verify_ssh_sig, AsyncSSH SSHKey.verify). For the 2048-bit key it also searches, with paramiko
and rsa-sha2-256, for a message "MESSAGE #i" whose signature starts with a 0x00 byte, and records the
first one ("leadingZero": true); tests strip that byte to check that a short signature is left-padded
(OpenSSH ssh_rsa_verify, RFC 8332 §3) and still verifies.

Run only with Debian's interpreter, /usr/bin/python3, which has python3-paramiko and python3-asyncssh.
"""

import json
import subprocess
import sys
import warnings

warnings.filterwarnings('ignore')

import asyncssh  # noqa: E402
import paramiko  # noqa: E402

ALGORITHMS = ['rsa-sha2-256', 'rsa-sha2-512', 'ssh-rsa']


def deb_version(pkg: str) -> str:
    return subprocess.run(
        ['dpkg-query', '-W', '-f=${Version}', pkg], check=True, capture_output=True, text=True
    ).stdout


PARAMIKO = f'paramiko {paramiko.__version__} (Debian python3-paramiko {deb_version("python3-paramiko")})'
ASYNCSSH = f'AsyncSSH {asyncssh.__version__} (Debian python3-asyncssh {deb_version("python3-asyncssh")})'


def paramiko_sign(pkey: paramiko.RSAKey, data: bytes, alg: str) -> bytes:
    return pkey.sign_ssh_data(data, algorithm=alg).asbytes()


def paramiko_verify(pkey: paramiko.RSAKey, data: bytes, blob: bytes) -> bool:
    return pkey.verify_ssh_sig(data, paramiko.Message(blob))


def main() -> None:
    key_path, json_path, message = sys.argv[1], sys.argv[2], sys.argv[3]
    data = message.encode('utf-8')
    pkey = paramiko.RSAKey.from_private_key_file(key_path)
    akey = asyncssh.read_private_key(key_path)
    # Verify with the public half: AsyncSSH 2.10's private RSAKey.verify returns None, not a bool.
    apub = akey.convert_to_public()

    with open(json_path, encoding='utf-8') as f:
        vector = json.load(f)
    # Both libraries must read the same public key as ssh-keygen wrote.
    assert f'ssh-rsa {pkey.get_base64()}' == ' '.join(vector['publicKey'].split(' ')[:2])
    assert akey.export_public_key('openssh').decode().split(' ')[:2] == vector['publicKey'].split(' ')[:2]

    signatures = []
    for alg in ALGORITHMS:
        blob = paramiko_sign(pkey, data, alg)
        assert apub.verify(data, blob), f'AsyncSSH rejects paramiko {alg}'
        signatures.append({
            'source': PARAMIKO,
            'command': f"paramiko.RSAKey.from_private_key_file(KEY).sign_ssh_data(data, algorithm='{alg}').asbytes()",
            'checkedWith': 'asyncssh.read_private_key(KEY).convert_to_public().verify(data, blob)',
            'algorithm': alg,
            'dataHex': data.hex(),
            'signatureBlobHex': blob.hex(),
        })
        blob = akey.sign(data, alg.encode('ascii'))
        assert paramiko_verify(pkey, data, blob), f'paramiko rejects AsyncSSH {alg}'
        signatures.append({
            'source': ASYNCSSH,
            'command': f"asyncssh.read_private_key(KEY).sign(data, b'{alg}')",
            'checkedWith': 'paramiko.RSAKey.from_private_key_file(KEY).verify_ssh_sig(data, paramiko.Message(blob))',
            'algorithm': alg,
            'dataHex': data.hex(),
            'signatureBlobHex': blob.hex(),
        })

    if pkey.get_bits() == 2048:
        for i in range(100000):
            candidate = f'{message} #{i}'.encode('utf-8')
            blob = paramiko_sign(pkey, candidate, 'rsa-sha2-256')
            msg = paramiko.Message(blob)
            msg.get_text()
            sig = msg.get_binary()
            if sig[0] == 0:
                assert len(sig) == 256
                # paramiko pads short signatures itself (RSAKey.verify_ssh_sig): check the stripped form.
                short = paramiko.Message()
                short.add_string('rsa-sha2-256')
                short.add_string(sig[1:])
                assert paramiko_verify(pkey, candidate, short.asbytes())
                assert apub.verify(candidate, blob)
                signatures.append({
                    'source': PARAMIKO,
                    'command': "paramiko.RSAKey.from_private_key_file(KEY).sign_ssh_data(data, algorithm='rsa-sha2-256').asbytes()"
                               f" for data = MESSAGE + ' #i', i = 0, 1, ... until the signature's first byte is 0x00 (i = {i})",
                    'checkedWith': 'asyncssh.read_private_key(KEY).convert_to_public().verify(data, blob); paramiko verify_ssh_sig of the '
                                   'signature with its leading 0x00 stripped',
                    'algorithm': 'rsa-sha2-256',
                    'leadingZero': True,
                    'dataHex': candidate.hex(),
                    'signatureBlobHex': blob.hex(),
                })
                break
        else:
            raise SystemExit('no signature with a leading zero byte found')

    vector['librarySignatures'] = signatures
    with open(json_path, 'w', encoding='utf-8') as f:
        json.dump(vector, f, indent=2)
        f.write('\n')


if __name__ == '__main__':
    main()

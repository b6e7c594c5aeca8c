#!/usr/bin/python3
"""Known-answer vectors for RFC 4252 section 7 publickey authentication and the agent SIGN_REQUEST.

Keys are made by ssh-keygen (OpenSSH 9.2, Debian); everything derived from them comes from
paramiko 2.12 (Debian python3-paramiko), never from sshts:

- signedData: paramiko AuthHandler._get_session_blob (the RFC 4252 section 7 data the client signs)
- signature:  paramiko <Key>.sign_ssh_data(signedData, algorithm); Ed25519 and RSA PKCS#1 v1.5
              signatures are deterministic, so a correct client reproduces them byte for byte
- agentSignRequest: the SSH_AGENTC_SIGN_REQUEST message (without its length) as paramiko's
              AgentKey.sign_ssh_data writes it, with paramiko's ALGORITHM_FLAG_MAP flags

Run from the repository root:  /usr/bin/python3 test-vectors/generators/userauth_publickey.py
Keys are fresh on every run (ssh-keygen), so the files change; each is self-consistent.
"""

import json
import os
import shlex
import subprocess
import tempfile
from types import SimpleNamespace

import paramiko
from paramiko.agent import ALGORITHM_FLAG_MAP
from paramiko.auth_handler import AuthHandler
from paramiko.agent import cSSH2_AGENTC_SIGN_REQUEST
from paramiko.message import Message

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), 'userauth')

SESSION_ID = bytes(range(0x40, 0x60))  # 32 bytes, as a SHA-256 exchange hash
USER = 'vector-user'
SERVICE = 'ssh-connection'

CASES = [
    ('ed25519', ['-t', 'ed25519'], paramiko.Ed25519Key, ['ssh-ed25519']),
    ('rsa-2048', ['-t', 'rsa', '-b', '2048'], paramiko.RSAKey, ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']),
]


def ssh_keygen_version():
    r = subprocess.run(['ssh', '-V'], capture_output=True, text=True)
    return (r.stderr or r.stdout).strip()


def main():
    os.makedirs(OUT, exist_ok=True)
    handler = AuthHandler.__new__(AuthHandler)
    handler.transport = SimpleNamespace(session_id=SESSION_ID)
    for name, args, cls, algorithms in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, 'key')
            command = ['ssh-keygen', '-q', *args, '-N', '', '-C', f'vector-{name}', '-f', path]
            subprocess.run(command, check=True)
            private_text = open(path).read()
            public_line = open(path + '.pub').read().strip()
            key = cls.from_private_key_file(path)
        cases = []
        for algorithm in algorithms:
            signed = handler._get_session_blob(key, SERVICE, USER, algorithm)
            signature = key.sign_ssh_data(signed, algorithm).asbytes()
            m = Message()
            m.add_byte(cSSH2_AGENTC_SIGN_REQUEST)
            m.add_string(key.asbytes())
            m.add_string(signed)
            m.add_int(ALGORITHM_FLAG_MAP.get(algorithm, 0))
            cases.append({
                'algorithm': algorithm,
                'signedData': signed.hex(),
                'signature': signature.hex(),
                'agentSignRequest': m.asbytes().hex(),
            })
        doc = {
            'source': f'ssh-keygen ({ssh_keygen_version()}) keys; paramiko {paramiko.__version__} '
                      '(Debian python3-paramiko) signed data, signatures and agent requests',
            'generator': 'test-vectors/generators/userauth_publickey.py',
            'command': '/usr/bin/python3 test-vectors/generators/userauth_publickey.py',
            'keyCommand': shlex.join(command[:-1] + ['KEY']),
            'privateKey': private_text,
            'publicKey': public_line,
            'sessionId': SESSION_ID.hex(),
            'user': USER,
            'service': SERVICE,
            'cases': cases,
        }
        with open(os.path.join(OUT, f'publickey-{name}.json'), 'w') as f:
            json.dump(doc, f, indent=2)
            f.write('\n')
        print('wrote', f'publickey-{name}.json')


if __name__ == '__main__':
    main()

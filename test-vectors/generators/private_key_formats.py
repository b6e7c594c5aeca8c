#!/usr/bin/python3
"""Fixed private-key-file vectors for @sshts/keys (PEM PKCS#1/SEC1/PKCS#8 and PuTTY PPK).

Every file is made by ssh-keygen, openssl or puttygen; the expected public key comes from the
tools too (ssh-keygen -y, openssl pkey -pubout, puttygen -L), and for PPK files the private values
from `puttygen -O text`. Nothing here is produced by sshts.

Run from the repository root:  /usr/bin/python3 test-vectors/generators/private_key_formats.py
Keys are random, so each run writes new (equally valid) files.
"""
import base64
import json
import os
import struct
import subprocess
import tempfile

OUT = os.path.join(os.path.dirname(__file__), '..', 'private-key-formats')
PASS = 'vector passphrase'


def run(*args, cwd=None):
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True, stdin=subprocess.DEVNULL).stdout.decode()


def tool_versions():
    ssh = subprocess.run(['ssh', '-V'], capture_output=True).stderr.decode().strip()
    return {
        'ssh-keygen': ssh,
        'openssl': run('openssl', 'version').strip(),
        'puttygen': run('puttygen', '--version').splitlines()[0].strip(),
    }


def key_of_line(line):
    return ' '.join(line.split()[:2])


def ed25519_line(spki_der):
    raw = spki_der[-32:]
    blob = struct.pack('>I', 11) + b'ssh-ed25519' + struct.pack('>I', 32) + raw
    return 'ssh-ed25519 ' + base64.b64encode(blob).decode()


def puttygen_dump(path, passfile=None):
    args = ['puttygen', path, '-O', 'text'] + (['--old-passphrase', passfile] if passfile else [])
    out = {}
    for line in run(*args).splitlines():
        if '=' in line:
            k, v = line.split('=', 1)
            out[k] = v.strip('"')
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    versions = tool_versions()
    with tempfile.TemporaryDirectory() as d:
        passfile = os.path.join(d, 'pass')
        with open(passfile, 'w') as f:
            f.write(PASS + '\n')
        empty = os.path.join(d, 'empty')
        open(empty, 'w').close()
        vectors = []

        def add(name, source, commands, path, passphrase, public_key, extra=None):
            with open(path) as f:
                text = f.read()
            v = {'name': name, 'source': source, 'commands': commands, 'passphrase': passphrase,
                 'text': text, 'publicKey': public_key}
            v.update(extra or {})
            vectors.append(v)

        # 1. ssh-keygen legacy PEM (Proc-Type/DEK-Info AES-128-CBC), ECDSA P-256.
        k = os.path.join(d, 'ecdsa256')
        cmds = [f"ssh-keygen -q -t ecdsa -b 256 -N '' -C '' -f K",
                f"ssh-keygen -q -p -P '' -N '{PASS}' -m PEM -f K"]
        run('ssh-keygen', '-q', '-t', 'ecdsa', '-b', '256', '-N', '', '-C', '', '-f', k)
        run('ssh-keygen', '-q', '-p', '-P', '', '-N', PASS, '-m', 'PEM', '-f', k)
        add('ssh-keygen-ecdsa256-pem-legacy-aes128', versions['ssh-keygen'], cmds, k, PASS,
            key_of_line(run('ssh-keygen', '-y', '-P', PASS, '-f', k)))

        # 2. ssh-keygen PKCS#8 encrypted (PBES2, PBKDF2-HMAC-SHA-256, AES-128-CBC), RSA 2048.
        k = os.path.join(d, 'rsa2048')
        cmds = [f"ssh-keygen -q -t rsa -b 2048 -N '' -C '' -f K",
                f"ssh-keygen -q -p -P '' -N '{PASS}' -m PKCS8 -f K"]
        run('ssh-keygen', '-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', '', '-f', k)
        run('ssh-keygen', '-q', '-p', '-P', '', '-N', PASS, '-m', 'PKCS8', '-f', k)
        add('ssh-keygen-rsa2048-pkcs8-pbes2', versions['ssh-keygen'], cmds, k, PASS,
            key_of_line(run('ssh-keygen', '-y', '-P', PASS, '-f', k)))

        # 3. openssl Ed25519 PKCS#8, PBES2 with HMAC-SHA-512 and AES-256-CBC.
        k = os.path.join(d, 'ed25519')
        e = os.path.join(d, 'ed25519.enc')
        cmds = ['openssl genpkey -algorithm ed25519 -out K',
                f"openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA512 -iter 1000 -in K -passout 'pass:{PASS}' -out E"]
        run('openssl', 'genpkey', '-algorithm', 'ed25519', '-out', k)
        run('openssl', 'pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA512', '-iter', '1000',
            '-in', k, '-passout', 'pass:' + PASS, '-out', e)
        spki = subprocess.run(['openssl', 'pkey', '-in', k, '-pubout', '-outform', 'DER'], check=True,
                              capture_output=True).stdout
        add('openssl-ed25519-pkcs8-pbes2-sha512-aes256', versions['openssl'], cmds, e, PASS, ed25519_line(spki))
        add('openssl-ed25519-pkcs8-plain', versions['openssl'], cmds[:1], k, None, ed25519_line(spki))

        # 4. openssl SEC1 (EC PARAMETERS + EC PRIVATE KEY), P-521.
        k = os.path.join(d, 'p521')
        cmds = ['openssl ecparam -name secp521r1 -genkey -out K']
        run('openssl', 'ecparam', '-name', 'secp521r1', '-genkey', '-out', k)
        add('openssl-ecdsa521-sec1-with-params', versions['openssl'], cmds, k, None,
            key_of_line(run('ssh-keygen', '-y', '-f', k)))

        # 5–7. puttygen: v3 Argon2id encrypted (cheap parameters), v2 encrypted, v3 plain.
        for name, t, bits, params, encrypted in [
            ('puttygen-ed25519-v3-argon2id', 'ed25519', '255', 'version=3,kdf=argon2id,passes=1,memory=1024', True),
            ('puttygen-ecdsa384-v2-aes256', 'ecdsa', '384', 'version=2', True),
            ('puttygen-rsa2048-v3-plain', 'rsa', '2048', 'version=3', False),
        ]:
            k = os.path.join(d, name)
            pf = passfile if encrypted else empty
            cmds = [f"puttygen --random-device /dev/urandom -q -t {t} -b {bits} -C '{name}' "
                    f"--ppk-param {params} --new-passphrase PASSFILE -o K"]
            run('puttygen', '--random-device', '/dev/urandom', '-q', '-t', t, '-b', bits, '-C', name,
                '--ppk-param', params, '--new-passphrase', pf, '-o', k)
            add(name, versions['puttygen'], cmds, k, PASS if encrypted else None,
                key_of_line(run('puttygen', k, '-L')),
                {'comment': name, 'puttygenText': puttygen_dump(k, passfile if encrypted else None)})

    for v in vectors:
        with open(os.path.join(OUT, v['name'] + '.json'), 'w') as f:
            json.dump(v, f, indent=2)
            f.write('\n')
    print(f'wrote {len(vectors)} files to {os.path.normpath(OUT)}')


if __name__ == '__main__':
    main()

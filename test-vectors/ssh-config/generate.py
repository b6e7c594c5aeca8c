#!/usr/bin/python3
"""Known answers for ssh_config resolution, made by OpenSSH's own `ssh -G`.

Each case is a configuration text and a destination; the file records what `ssh -G -F FILE
[-l USER] [-p PORT] HOST` printed for the keywords listed in KEYWORDS. The cases avoid anything
that depends on the machine (home directory, local user or host name, %-tokens, ~), so the
answers hold anywhere. Run from the repository root:

    /usr/bin/python3 test-vectors/ssh-config/generate.py
"""
import json
import os
import subprocess
import tempfile

KEYWORDS = [
    'user', 'hostname', 'port', 'ciphers', 'macs', 'kexalgorithms', 'hostkeyalgorithms',
    'pubkeyacceptedalgorithms', 'casignaturealgorithms', 'stricthostkeychecking', 'proxyjump',
    'proxycommand', 'sendenv', 'setenv', 'localforward', 'remoteforward', 'dynamicforward',
    'connecttimeout', 'serveraliveinterval', 'serveralivecountmax', 'identitiesonly',
    'hashknownhosts', 'addkeystoagent', 'identityfile', 'certificatefile', 'compression',
    'pubkeyauthentication', 'requesttty', 'globalknownhostsfile',
]

CONFIG = """\
Host *.corp.example !build.corp.example
  User corp
  Port 2200
  ProxyJump bastion@gw.corp.example:2222
Host build.corp.example
  User ci
  ProxyCommand nc %h %p
Host legacy
  HostName 192.0.2.10
  User root
  Ciphers +aes128-cbc
  KexAlgorithms -*sha256*
  HostKeyAlgorithms +ssh-rsa
  PubkeyAcceptedAlgorithms ^ssh-rsa
  StrictHostKeyChecking accept-new
Match user deploy
  IdentityFile /keys/deploy
  IdentitiesOnly yes
  SetEnv DEPLOY=1 STAGE="blue green"
Host fwd
  User fwd
  LocalForward 8080 web.internal:80
  RemoteForward 2222 localhost:22
  DynamicForward 1080
  SendEnv LANG LC_*
  SendEnv -LC_ALL
Host *
  User nobody
  ConnectTimeout 10
  ServerAliveInterval 30
  ServerAliveCountMax 4
  AddKeysToAgent confirm 1h
  GlobalKnownHostsFile /etc/ssh/known_hosts_a /etc/ssh/known_hosts_b
  CertificateFile /keys/cert.pub
"""

CASES = [
    {'host': 'app.corp.example'},
    {'host': 'build.corp.example'},
    {'host': 'legacy'},
    {'host': 'legacy', 'user': 'deploy', 'port': 2022},
    {'host': 'fwd'},
    {'host': 'Other.Example', 'user': 'deploy'},
]


def version():
    return subprocess.run(['ssh', '-V'], capture_output=True, text=True).stderr.strip()


def main():
    out = {'generator': 'test-vectors/ssh-config/generate.py', 'openssh': version(),
           'config': CONFIG, 'keywords': KEYWORDS, 'cases': []}
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'config')
        with open(path, 'w') as f:
            f.write(CONFIG)
        for case in CASES:
            args = ['ssh', '-G', '-F', path]
            if 'user' in case:
                args += ['-l', case['user']]
            if 'port' in case:
                args += ['-p', str(case['port'])]
            args += ['--', case['host']]
            r = subprocess.run(args, capture_output=True, text=True, env={'PATH': os.environ['PATH'], 'HOME': d},
                               stdin=subprocess.DEVNULL, check=True)
            lines = {}
            for line in r.stdout.splitlines():
                k, _, v = line.partition(' ')
                if k in KEYWORDS:
                    lines.setdefault(k, []).append(v)
            out['cases'].append({**case, 'dashG': lines})
    dest = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'ssh-G.json')
    with open(dest, 'w') as f:
        json.dump(out, f, indent=2, sort_keys=False)
        f.write('\n')
    # The repository formats JSON with Biome; let it lay the file out so `biome check` passes.
    biome = os.path.join(os.path.dirname(dest), '..', '..', 'node_modules', '.bin', 'biome')
    if os.path.exists(biome):
        subprocess.run([biome, 'format', '--write', dest], check=True, capture_output=True)


if __name__ == '__main__':
    main()

"""Throwaway AsyncSSH server for @sshts/test-peers tests.

Usage: /usr/bin/python3 -u asyncssh_server.py CONFIG.json
Listens on 127.0.0.1:<ephemeral>; stdout line 1 = port, line 2 = JSON {"supported": {...}}.
Auth: password and publickey for config["user"] ('none' fails with the method list).
exec 'cat' echoes stdin back; any other command runs under /bin/sh; SFTP subsystem on
(AsyncSSH's SFTPServer, no chroot: paths resolve against the cwd, which python.ts sets to DIR/home).
Exits when stdin closes.
"""
import asyncio
import base64
import json
import logging
import os
import sys

import asyncssh
from asyncssh import encryption, kex, mac, public_key


def names(algs):
    return [a.decode() for a in algs]


class Server(asyncssh.SSHServer):
    def __init__(self, cfg, authorized):
        self.cfg = cfg
        self.authorized = authorized

    def begin_auth(self, username):
        return True

    def password_auth_supported(self):
        return True

    def kbdint_auth_supported(self):
        return False

    def validate_password(self, username, password):
        return self.cfg["password"] is not None and username == self.cfg["user"] and password == self.cfg["password"]

    def public_key_auth_supported(self):
        return True

    def validate_public_key(self, username, key):
        return username == self.cfg["user"] and key.public_data in self.authorized


async def pump(read, write, drain=None, done=None):
    try:
        while True:
            data = await read(65536)
            if not data:
                break
            write(data)
            if drain:
                await drain()
    except (OSError, asyncssh.Error):
        pass
    if done:
        done()


async def handle(process):
    command = process.command
    if command == "cat":
        await pump(process.stdin.read, process.stdout.write, process.stdout.drain)
        process.exit(0)
        return
    if not command:
        process.stderr.write(b"no shell here\n")
        process.exit(1)
        return
    proc = await asyncio.create_subprocess_shell(
        command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    feed = asyncio.ensure_future(pump(process.stdin.read, proc.stdin.write, proc.stdin.drain, proc.stdin.close))
    await asyncio.gather(pump(proc.stdout.read, process.stdout.write, process.stdout.drain),
                         pump(proc.stderr.read, process.stderr.write, process.stderr.drain))
    status = await proc.wait()
    feed.cancel()
    process.exit(status)


async def main():
    with open(sys.argv[1]) as f:
        cfg = json.load(f)
    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    asyncssh.set_debug_level(2)
    authorized = {base64.b64decode(line.split()[1]) for line in cfg["authorizedKeys"] if line.strip()}
    algs = cfg["algorithms"]
    kwargs = {}
    if algs.get("kex"):
        kwargs["kex_algs"] = algs["kex"]
    if algs.get("cipher"):
        kwargs["encryption_algs"] = algs["cipher"]
    if algs.get("mac"):
        kwargs["mac_algs"] = algs["mac"]
    if cfg["rekeyBytes"]:
        kwargs["rekey_bytes"] = cfg["rekeyBytes"]
    host_keys = asyncssh.load_keypairs(cfg["hostKeys"])
    if algs.get("hostKey"):
        # No server-side option for this: narrow each key pair's host-key algorithms instead.
        wanted = [a.encode() for a in algs["hostKey"]]
        for keypair in host_keys:
            keypair.host_key_algorithms = [a for a in keypair.host_key_algorithms if a in wanted]
        host_keys = [k for k in host_keys if k.host_key_algorithms]
        offered = {a for k in host_keys for a in k.host_key_algorithms}
        missing = [a.decode() for a in wanted if a not in offered]
        if missing:
            raise SystemExit(f"asyncssh: no host key for {','.join(missing)}")
    try:
        options = asyncssh.SSHServerConnectionOptions(
            server_host_keys=host_keys, process_factory=handle, encoding=None, sftp_factory=True,
            gss_host=None, **kwargs)
    except (ValueError, asyncssh.Error) as exc:
        raise SystemExit(f"asyncssh {asyncssh.__version__}: {exc}")
    server = await asyncssh.create_server(lambda: Server(cfg, authorized), "127.0.0.1", 0, options=options)
    supported = {
        "kex": names(kex.get_kex_algs()),
        "hostKey": names(public_key.get_public_key_algs()),
        "cipher": names(encryption.get_encryption_algs()),
        "mac": names(mac.get_mac_algs()),
    }
    print(server.sockets[0].getsockname()[1])
    print(json.dumps({"supported": supported}))
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.buffer.read)
    os._exit(0)


if __name__ == "__main__":
    asyncio.run(main())

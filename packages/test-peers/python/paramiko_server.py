"""Throwaway paramiko SSH server for @sshts/test-peers tests.

Usage: /usr/bin/python3 -u paramiko_server.py CONFIG.json
Listens on 127.0.0.1:<ephemeral>; stdout line 1 = port, line 2 = JSON {"supported": {...}}.
Auth: password and publickey for config["user"] ('none' fails with the method list).
exec 'cat' echoes stdin back; any other command runs under /bin/sh. Exits when stdin closes.
"""
import base64
import json
import logging
import os
import socket
import subprocess
import sys
import threading

import paramiko

KEY_CLASSES = (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey)


def load_key(path):
    for cls in KEY_CLASSES:
        try:
            return cls.from_private_key_file(path)
        except Exception:
            continue
    raise SystemExit(f"cannot load host key {path}")


class Server(paramiko.ServerInterface):
    def __init__(self, cfg, authorized):
        self.cfg = cfg
        self.authorized = authorized

    def get_allowed_auths(self, username):
        return "password,publickey"

    def check_auth_password(self, username, password):
        ok = self.cfg["password"] is not None and username == self.cfg["user"] and password == self.cfg["password"]
        return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

    def check_auth_publickey(self, username, key):
        ok = username == self.cfg["user"] and key.asbytes() in self.authorized
        return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

    def check_channel_request(self, kind, chanid):
        if kind == "session":
            return paramiko.OPEN_SUCCEEDED
        return paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def check_channel_exec_request(self, channel, command):
        threading.Thread(target=run_exec, args=(channel, command.decode()), daemon=True).start()
        return True


def pump(read, write, done=None):
    try:
        while True:
            data = read(32768)
            if not data:
                break
            write(data)
    except Exception:
        pass
    if done:
        done()


def writer(f):
    def write(data):
        view = memoryview(data)
        while view:
            view = view[f.write(view):]
    return write


def run_exec(channel, command):
    if command == "cat":
        pump(channel.recv, channel.sendall)
        status = 0
    else:
        proc = subprocess.Popen(["/bin/sh", "-c", command], bufsize=0, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        threading.Thread(target=pump, args=(channel.recv, writer(proc.stdin), proc.stdin.close), daemon=True).start()
        err = threading.Thread(target=pump, args=(proc.stderr.read, channel.sendall_stderr), daemon=True)
        err.start()
        pump(proc.stdout.read, channel.sendall)
        err.join()
        status = proc.wait()
    try:
        channel.shutdown_write()
        channel.send_exit_status(status)
        channel.close()
    except Exception:
        logging.exception("exec cleanup")


def serve(conn, cfg, keys, authorized):
    try:
        t = paramiko.Transport(conn)
        for key in keys:
            t.add_server_key(key)
        algs = cfg["algorithms"]
        opts = t.get_security_options()
        if algs.get("kex"):
            opts.kex = algs["kex"]
        if algs.get("hostKey"):
            opts.key_types = algs["hostKey"]
        if algs.get("cipher"):
            opts.ciphers = algs["cipher"]
        if algs.get("mac"):
            opts.digests = algs["mac"]
        if cfg["rekeyBytes"]:
            t.packetizer.REKEY_BYTES = cfg["rekeyBytes"]
        t.start_server(server=Server(cfg, authorized))
    except Exception:
        logging.exception("connection failed")


def validate(algs):
    known = {
        "kex": paramiko.Transport._kex_info,
        "hostKey": paramiko.Transport._key_info,
        "cipher": paramiko.Transport._cipher_info,
        "mac": paramiko.Transport._mac_info,
    }
    for kind, names in algs.items():
        unknown = [n for n in names or [] if n not in known[kind]]
        if unknown:
            raise SystemExit(f"paramiko {paramiko.__version__} does not know {kind} {','.join(unknown)}")


def exit_on_stdin_eof():
    sys.stdin.buffer.read()
    os._exit(0)


def main():
    with open(sys.argv[1]) as f:
        cfg = json.load(f)
    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG,
                        format="%(asctime)s %(threadName)s %(name)s %(levelname)s %(message)s")
    validate(cfg["algorithms"])
    keys = [load_key(p) for p in cfg["hostKeys"]]
    authorized = {base64.b64decode(line.split()[1]) for line in cfg["authorizedKeys"] if line.strip()}
    kex = list(paramiko.Transport._preferred_kex)
    if not paramiko.Transport.load_server_moduli():
        kex = [k for k in kex if "group-exchange" not in k]
    supported = {
        "kex": kex,
        "hostKey": list(paramiko.Transport._preferred_keys),
        "cipher": list(paramiko.Transport._preferred_ciphers),
        "mac": list(paramiko.Transport._preferred_macs),
    }
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    print(sock.getsockname()[1])
    print(json.dumps({"supported": supported}))
    threading.Thread(target=exit_on_stdin_eof, daemon=True).start()
    while True:
        conn, _ = sock.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=serve, args=(conn, cfg, keys, authorized), daemon=True).start()


if __name__ == "__main__":
    main()

"""paramiko's client against our server, driven by the test (packages/ssh/test/server-python.test.ts).

Usage: /usr/bin/python3 -u paramiko_client.py CONFIG.json
CONFIG: {"host", "port", "user", "password", "knownHosts": path, "keys": {type: path}, "local": dir}.
Then one JSON request per stdin line, one JSON reply per stdout line, until stdin closes:
  {"op": "supported"}                         -> paramiko's algorithm lists
  {"op": "exec", "auth": "password"|"key", "key": type?, "only": {slot: name}?, "command", "stdin"?}
                                              -> {"ok", "stdout", "stderr", "exit", "client": {...}}
     client: what was negotiated ("kex", "hostKey", "cipher", "mac", "remoteVersion") and, for
     publickey, "pubkeyAlgorithm" (paramiko's pick for an RSA key) and "serverSigAlgs" (EXT_INFO).
  {"op": "shell", "cols", "rows", "resize": [cols, rows]} -> `stty size` in the pty before and after
                                              a window-change: {"ok", "first", "second", "exit"}
  {"op": "signal", "command", "signal", "pty"?} -> {"ok", "output", "exit"}: the command runs
                                              until it prints a line, then gets a `signal` request
                                              (paramiko has no API for it: the message is built here)
  {"op": "sftp", "remoteDir"}                 -> mkdir, listdir, put, get, stat of remoteDir/up.bin:
                                              {"ok", "before", "after", "putSize", "statSize", "same",
                                               "local": the file put, "mode": stat's st_mode}
  {"op": "wrongPasswords", "tries"}           -> {"ok", "attempts": [{"result", "active"}], "active"}:
                                              wrong passwords on one connection until it is closed
Any request may carry "knownHosts" (a path) in place of the configured file.
A failure is {"ok": false, "error": "..."}, never an exception out of the loop.
Host keys are checked against knownHosts (RejectPolicy): an unknown or changed key fails.
"""
import json
import logging
import os
import socket
import sys
import time
import traceback

import paramiko
from paramiko.common import cMSG_CHANNEL_REQUEST
from paramiko.message import Message

SLOTS = {"kex": "kex", "hostKey": "keys", "cipher": "ciphers", "mac": "macs"}
PREFERRED = {
    "kex": paramiko.Transport._preferred_kex,
    "hostKey": paramiko.Transport._preferred_keys,
    "cipher": paramiko.Transport._preferred_ciphers,
    "mac": paramiko.Transport._preferred_macs,
}


class _KexLog(logging.Handler):
    """paramiko drops its kex engine after the exchange: the method's name is only in its log."""

    last = None

    def emit(self, record):
        msg = record.getMessage()
        if msg.startswith("Kex: "):
            _KexLog.last = msg[5:]


logging.getLogger("paramiko.transport").addHandler(_KexLog())
logging.getLogger("paramiko.transport").setLevel(logging.DEBUG)


def disabled_for(only):
    """disabled_algorithms that leave exactly the named algorithm in each slot given."""
    disabled = {}
    for slot, name in (only or {}).items():
        disabled[SLOTS[slot]] = [a for a in PREFERRED[slot] if a != name]
    return disabled


def client_for(cfg, req):
    _KexLog.last = None
    client = paramiko.SSHClient()
    client.load_host_keys(req.get("knownHosts", cfg["knownHosts"]))
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    kwargs = dict(
        hostname=cfg["host"],
        port=cfg["port"],
        username=cfg["user"],
        look_for_keys=False,
        allow_agent=False,
        timeout=20,
        banner_timeout=20,
        auth_timeout=20,
        disabled_algorithms=disabled_for(req.get("only")),
        # Transport.use_compression: offers zlib@openssh.com,zlib,none
        compress=bool(req.get("compress")),
    )
    if req.get("auth", "password") == "password":
        kwargs["password"] = req.get("password", cfg["password"])
    else:
        kwargs["key_filename"] = cfg["keys"][req.get("key", "ed25519")]
    client.connect(**kwargs)
    return client


def negotiated(t):
    sig_algs = t.server_extensions.get("server-sig-algs")
    return {
        "kex": _KexLog.last,
        "hostKey": t.host_key_type,
        "cipher": t.local_cipher,
        "mac": t.local_mac,
        "remoteVersion": t.remote_version,
        "compression": t.local_compression,
        # Set by paramiko's AuthHandler when it signs with an RSA key (rsa-sha2-* or ssh-rsa).
        "pubkeyAlgorithm": getattr(t, "_agreed_pubkey_algorithm", None),
        "serverSigAlgs": sig_algs.decode().split(",") if sig_algs else None,
    }


def op_supported(cfg, req):
    return {"ok": True, "supported": {slot: list(names) for slot, names in PREFERRED.items()}}


def op_exec(cfg, req):
    client = client_for(cfg, req)
    try:
        stdin, stdout, stderr = client.exec_command(req["command"], timeout=30)
        if "stdin" in req:
            stdin.write(req["stdin"])
        stdin.channel.shutdown_write()
        out = stdout.read().decode()
        err = stderr.read().decode()
        status = stdout.channel.recv_exit_status()
        return {
            "ok": True,
            "stdout": out,
            "stderr": err,
            "exit": status,
            "client": negotiated(client.get_transport()),
        }
    finally:
        client.close()


def read_until(chan, marker, seconds=20):
    buf = b""
    deadline = time.time() + seconds
    while marker.encode() not in buf:
        if time.time() > deadline:
            raise TimeoutError("no %r in %r" % (marker, buf[-500:]))
        if chan.recv_ready():
            buf += chan.recv(65536)
        elif chan.exit_status_ready() and not chan.recv_ready():
            break
        else:
            time.sleep(0.02)
    return buf.decode(errors="replace")


def op_shell(cfg, req):
    client = client_for(cfg, req)
    try:
        chan = client.invoke_shell(term="vt100", width=req["cols"], height=req["rows"])
        # The quotes keep the marker out of the terminal's echo of the line typed.
        chan.send(b'echo "size1=$(stty size)="; tty; echo "TERM=$TERM"; echo "do""ne1"\n')
        first = read_until(chan, "done1\r\n")
        cols, rows = req["resize"]
        chan.resize_pty(width=cols, height=rows)
        # A window-change has no reply: ask again until the new size shows (or 5 s pass).
        second = ""
        deadline = time.time() + 5
        while "size2=%d %d=" % (rows, cols) not in second and time.time() < deadline:
            time.sleep(0.1)
            chan.send(b'echo "size2=$(stty size)="; echo "do""ne2"\n')
            second = read_until(chan, "done2\r\n")
        chan.send(b"exit 6\n")
        status = chan.recv_exit_status()
        return {"ok": True, "first": first, "second": second, "exit": status}
    finally:
        client.close()


def op_signal(cfg, req):
    client = client_for(cfg, req)
    try:
        chan = client.get_transport().open_session(timeout=20)
        if req.get("pty"):
            chan.get_pty(term="vt100")
        chan.exec_command(req["command"])
        ready = read_until(chan, "\n")
        # RFC 4254 6.9: byte CHANNEL_REQUEST, uint32 recipient, "signal", FALSE, string name.
        m = Message()
        m.add_byte(cMSG_CHANNEL_REQUEST)
        m.add_int(chan.remote_chanid)
        m.add_string("signal")
        m.add_boolean(False)
        m.add_string(req["signal"])
        chan.transport._send_user_message(m)
        rest = b""
        deadline = time.time() + 20
        while not chan.exit_status_ready():
            if time.time() > deadline:
                raise TimeoutError("the command did not end after the signal")
            if chan.recv_ready():
                rest += chan.recv(65536)
            else:
                time.sleep(0.02)
        while chan.recv_ready():
            rest += chan.recv(65536)
        status = chan.recv_exit_status()
        # paramiko keeps no exit-signal: an exit-signal leaves the status at -1.
        return {"ok": True, "output": ready + rest.decode(errors="replace"), "exit": status}
    finally:
        client.close()


def op_sftp(cfg, req):
    client = client_for(cfg, req)
    try:
        sftp = client.open_sftp()
        remote = req["remoteDir"]
        sftp.mkdir(remote)
        before = sorted(sftp.listdir(remote))
        local = os.path.join(cfg["local"], "paramiko-up.bin")
        data = os.urandom(300000)
        with open(local, "wb") as f:
            f.write(data)
        attrs = sftp.put(local, remote + "/up.bin")
        back = os.path.join(cfg["local"], "paramiko-down.bin")
        sftp.get(remote + "/up.bin", back)
        with open(back, "rb") as f:
            same = f.read() == data
        after = sorted(sftp.listdir(remote))
        st = sftp.stat(remote + "/up.bin")
        sftp.close()
        return {
            "ok": True,
            "before": before,
            "after": after,
            "putSize": attrs.st_size,
            "statSize": st.st_size,
            "mode": st.st_mode,
            "same": same,
            "local": local,
        }
    finally:
        client.close()


def op_wrong_passwords(cfg, req):
    """Tries wrong passwords on one transport until the server hangs up or `tries` are done.

    paramiko says "Authentication failed." both for a USERAUTH_FAILURE and for a connection closed
    while it waits, so each attempt also records whether the transport was still up after it.
    """
    sock = socket.create_connection((cfg["host"], cfg["port"]), timeout=20)
    t = paramiko.Transport(sock)
    attempts = []
    try:
        t.start_client(timeout=20)
        for i in range(req["tries"]):
            if not t.is_active():
                break
            try:
                t.auth_password(cfg["user"], "wrong-%d" % i)
                result = "accepted"
            except paramiko.AuthenticationException as e:
                result = "refused: %s" % e
            except (paramiko.SSHException, EOFError, OSError) as e:
                result = "error: %s: %s" % (type(e).__name__, e)
            # A DISCONNECT read by paramiko's thread ends the transport soon after.
            time.sleep(0.2)
            attempts.append({"result": result, "active": t.is_active()})
        return {"ok": True, "attempts": attempts, "active": t.is_active()}
    finally:
        t.close()


OPS = {
    "supported": op_supported,
    "exec": op_exec,
    "shell": op_shell,
    "signal": op_signal,
    "sftp": op_sftp,
    "wrongPasswords": op_wrong_passwords,
}


def main():
    with open(sys.argv[1]) as f:
        cfg = json.load(f)
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            reply = OPS[req["op"]](cfg, req)
        except Exception as e:  # every failure is a reply: the test asserts on it
            reply = {"ok": False, "error": "%s: %s" % (type(e).__name__, e), "trace": traceback.format_exc()[-2000:]}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()

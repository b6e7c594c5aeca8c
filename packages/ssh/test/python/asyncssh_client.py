"""AsyncSSH's client against our server, driven by the test (packages/ssh/test/server-python.test.ts).

Usage: /usr/bin/python3 -u asyncssh_client.py CONFIG.json
CONFIG: {"host", "port", "user", "password", "knownHosts": path, "keys": {type: path}, "local": dir}.
Then one JSON request per stdin line, one JSON reply per stdout line, until stdin closes:
  {"op": "supported"}                          -> AsyncSSH's algorithm lists (no GSS kex)
  {"op": "exec", "auth": "password"|"key", "key"?, "only": {slot: name}?, "command", "stdin"?}
                                               -> {"ok", "stdout", "stderr", "exit", "signal", "client"}
     client: "remoteVersion", "cipher", "mac" and, for publickey, "pubkeyAlgorithm" (the signature
     algorithm AsyncSSH picked) and "serverSigAlgs" (from EXT_INFO).
  {"op": "signal", "command", "signal", "pty"?} -> {"ok", "output", "exit", "signal"}: the command's
                                               first line read, then send_signal, then how it ended
  {"op": "pty", "cols", "rows", "resize": [cols, rows]} -> `stty size` before and after a resize:
                                               {"ok", "first", "second", "exit"}
  {"op": "sftp", "remoteDir"}                  -> mkdir, listdir, put, get, stat of remoteDir/up.bin:
                                               {"ok", "before", "after", "statSize", "mode", "same", "local"}
  {"op": "wrongPasswords", "tries"}            -> {"ok", "tried", "error"}: wrong passwords from
                                               password_auth_requested until the connection fails
Any request may carry "knownHosts" (a path) in place of the configured file.
A failure is {"ok": false, "error": "..."}. Host keys are checked against knownHosts.
"""
import asyncio
import json
import logging
import os
import re
import sys
import traceback

import asyncssh
from asyncssh.encryption import get_encryption_algs
from asyncssh.kex import get_kex_algs
from asyncssh.mac import get_mac_algs
from asyncssh.public_key import get_public_key_algs

OPTION = {"kex": "kex_algs", "hostKey": "server_host_key_algs", "cipher": "encryption_algs", "mac": "mac_algs"}


class _Log(logging.Handler):
    """Keeps AsyncSSH's log lines: the signature algorithm it tried is only logged."""

    lines = []

    def emit(self, record):
        try:
            _Log.lines.append(record.getMessage())
        except Exception:
            pass


logging.getLogger("asyncssh").addHandler(_Log())
logging.getLogger("asyncssh").setLevel(logging.DEBUG)
asyncssh.set_debug_level(1)


def names(algs):
    return [a.decode() for a in algs]


def connect(cfg, req, **extra):
    kwargs = dict(
        host=cfg["host"],
        port=cfg["port"],
        username=cfg["user"],
        known_hosts=req.get("knownHosts", cfg["knownHosts"]),
        agent_path=None,
        connect_timeout=20,
        login_timeout=20,
    )
    if req.get("auth", "password") == "password":
        kwargs["password"] = req.get("password", cfg["password"])
        kwargs["client_keys"] = None
        kwargs["preferred_auth"] = "password"
    else:
        kwargs["client_keys"] = [cfg["keys"][req.get("key", "ed25519")]]
        kwargs["preferred_auth"] = "publickey"
    for slot, name in (req.get("only") or {}).items():
        kwargs[OPTION[slot]] = [name]
    if req.get("compress"):
        kwargs["compression_algs"] = ["zlib@openssh.com", "none"]
    kwargs.update(extra)
    _Log.lines.clear()
    return asyncssh.connect(**kwargs)


def client_info(conn):
    tried = [m.group(1) for m in (re.search(r"Trying public key auth with (\S+) key", l) for l in _Log.lines) if m]
    sig_algs = getattr(conn, "_server_sig_algs", None)
    return {
        "remoteVersion": conn.get_extra_info("server_version"),
        "cipher": conn._enc_alg_cs.decode(),
        "mac": conn._mac_alg_cs.decode(),
        "pubkeyAlgorithm": tried[-1] if tried else None,
        "serverSigAlgs": sorted(a.decode() for a in sig_algs) if sig_algs else None,
    }


async def op_supported(cfg, req):
    return {
        "ok": True,
        "supported": {
            "kex": [k for k in names(get_kex_algs()) if not k.startswith("gss-")],
            "hostKey": names(get_public_key_algs()),
            "cipher": names(get_encryption_algs()),
            "mac": names(get_mac_algs()),
        },
    }


async def op_exec(cfg, req):
    async with connect(cfg, req) as conn:
        r = await asyncio.wait_for(conn.run(req["command"], input=req.get("stdin")), 30)
        return {
            "ok": True,
            "stdout": r.stdout,
            "stderr": r.stderr,
            "exit": r.exit_status,
            "signal": r.exit_signal[0] if r.exit_signal else None,
            "client": client_info(conn),
        }


async def op_signal(cfg, req):
    async with connect(cfg, req) as conn:
        pty = {"term_type": "xterm"} if req.get("pty") else {}
        proc = await conn.create_process(req["command"], **pty)
        first = await asyncio.wait_for(proc.stdout.readline(), 20)  # the command is running
        proc.send_signal(req["signal"])
        r = await asyncio.wait_for(proc.wait(), 20)
        return {
            "ok": True,
            "output": first + r.stdout,
            "exit": r.exit_status,
            "signal": r.exit_signal[0] if r.exit_signal else None,
        }


async def read_until(stream, marker, seconds=20):
    buf = ""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while marker not in buf:
        try:
            chunk = await asyncio.wait_for(stream.read(4096), deadline - loop.time())
        except asyncio.TimeoutError:
            raise TimeoutError("no %r in %r" % (marker, buf[-500:]))
        if not chunk:
            break
        buf += chunk
    return buf


async def op_pty(cfg, req):
    async with connect(cfg, req) as conn:
        proc = await conn.create_process(term_type="xterm", term_size=(req["cols"], req["rows"]))
        # The quotes keep the marker out of the terminal's echo of the line typed.
        proc.stdin.write('echo "size1=$(stty size)="; tty; echo "TERM=$TERM"; echo "do""ne1"\n')
        first = await read_until(proc.stdout, "done1\r\n")
        cols, rows = req["resize"]
        proc.change_terminal_size(cols, rows)
        # A window-change has no reply: ask again until the new size shows (or 5 s pass).
        second = ""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 5
        while "size2=%d %d=" % (rows, cols) not in second and loop.time() < deadline:
            await asyncio.sleep(0.1)
            proc.stdin.write('echo "size2=$(stty size)="; echo "do""ne2"\n')
            second = await read_until(proc.stdout, "done2\r\n")
        proc.stdin.write("exit 7\n")
        r = await asyncio.wait_for(proc.wait(), 20)
        return {"ok": True, "first": first, "second": second, "exit": r.exit_status}


async def op_sftp(cfg, req):
    async with connect(cfg, req) as conn:
        async with conn.start_sftp_client() as sftp:
            remote = req["remoteDir"]
            await sftp.mkdir(remote)
            before = sorted(await sftp.listdir(remote))
            local = os.path.join(cfg["local"], "asyncssh-up.bin")
            data = os.urandom(300000)
            with open(local, "wb") as f:
                f.write(data)
            await sftp.put(local, remote + "/up.bin")
            back = os.path.join(cfg["local"], "asyncssh-down.bin")
            await sftp.get(remote + "/up.bin", back)
            with open(back, "rb") as f:
                same = f.read() == data
            after = sorted(await sftp.listdir(remote))
            st = await sftp.stat(remote + "/up.bin")
            return {
                "ok": True,
                "before": before,
                "after": after,
                "statSize": st.size,
                "mode": st.permissions,
                "same": same,
                "local": local,
            }


class _WrongPasswords(asyncssh.SSHClient):
    def __init__(self, tries):
        self.tries = tries
        self.tried = 0

    def password_auth_requested(self):
        if self.tried >= self.tries:
            return None
        self.tried += 1
        return "wrong-%d" % self.tried


async def op_wrong_passwords(cfg, req):
    client = _WrongPasswords(req["tries"])
    try:
        async with connect(cfg, {"password": None}, client_factory=lambda: client) as conn:
            return {"ok": True, "tried": client.tried, "error": None, "accepted": True}
    except (asyncssh.Error, OSError) as e:
        return {"ok": True, "tried": client.tried, "error": "%s: %s" % (type(e).__name__, e)}


OPS = {
    "supported": op_supported,
    "exec": op_exec,
    "signal": op_signal,
    "pty": op_pty,
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
            reply = asyncio.run(OPS[req["op"]](cfg, req))
        except Exception as e:  # every failure is a reply: the test asserts on it
            reply = {"ok": False, "error": "%s: %s" % (type(e).__name__, e), "trace": traceback.format_exc()[-2000:]}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()

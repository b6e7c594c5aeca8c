# Captures the connection-protocol messages a real OpenSSH `ssh` client sends for an interactive
# exec: CHANNEL_OPEN "session", pty-req (with the terminal modes of a pseudo-terminal we set up),
# env, exec and window-change. A paramiko server on 127.0.0.1 (auth "none") records each payload
# as received, before paramiko parses it. Input (stdin, JSON): ssh path, seed, term, two sizes.
# Output (stdout, JSON): the payloads in hex, and the termios values the modes must carry,
# computed here from Python's termios module (independent of the code under test).
import fcntl, json, os, pty, random, signal, socket, struct, subprocess, sys, termios, threading, warnings
warnings.simplefilter('ignore')
import paramiko
from paramiko.common import MSG_CHANNEL_OPEN, MSG_CHANNEL_REQUEST

cfg = json.load(sys.stdin)
rng = random.Random(cfg['seed'])
CHARS = ['VINTR', 'VQUIT', 'VERASE', 'VKILL', 'VEOF', 'VEOL', 'VEOL2', 'VSTART', 'VSTOP', 'VSUSP',
         'VDSUSP', 'VREPRINT', 'VWERASE', 'VLNEXT', 'VFLUSH', 'VSWTCH', 'VSTATUS', 'VDISCARD']
FLAGS = {0: ['IGNPAR', 'PARMRK', 'INPCK', 'ISTRIP', 'INLCR', 'IGNCR', 'ICRNL', 'IUCLC', 'IXON', 'IXANY',
             'IXOFF', 'IMAXBEL', 'IUTF8'],
         1: ['OPOST', 'OLCUC', 'ONLCR', 'OCRNL', 'ONOCR', 'ONLRET'],
         2: ['CS7', 'CS8', 'PARENB', 'PARODD'],
         3: ['ISIG', 'ICANON', 'XCASE', 'ECHO', 'ECHOE', 'ECHOK', 'ECHONL', 'NOFLSH', 'TOSTOP', 'IEXTEN',
             'ECHOCTL', 'ECHOKE', 'PENDIN']}
SPEEDS = {getattr(termios, 'B%d' % n): n for n in (9600, 19200, 38400, 57600, 115200)}

def flag(name):
    # Linux's IUTF8 is 0o40000 (asm-generic/termbits.h); this Python's termios lacks the name.
    return getattr(termios, name, 0o40000 if name == 'IUTF8' else None)

def winsize(fd, size):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', size['rows'], size['cols'], size['widthPx'], size['heightPx']))

# A pseudo-terminal with distinct control characters and a random mix of flags.
master, slave = pty.openpty()
attrs = termios.tcgetattr(slave)
used = set()
for name in CHARS:
    i = getattr(termios, name, None)
    if i is None: continue
    v = rng.randrange(1, 127)
    while v in used: v = rng.randrange(1, 127)
    used.add(v)
    attrs[6][i] = bytes([v])
for field, names in FLAGS.items():
    for name in names:
        f = flag(name)
        if f is None or name in ('CS7', 'CS8'): continue
        attrs[field] = attrs[field] | f if rng.random() < 0.5 else attrs[field] & ~f
attrs[4], attrs[5] = termios.B19200, termios.B38400
termios.tcsetattr(slave, termios.TCSANOW, attrs)
winsize(slave, cfg['size'])
attrs = termios.tcgetattr(slave)
expected = {}
for name in CHARS:
    i = getattr(termios, name, None)
    if i is not None: expected[name] = attrs[6][i][0]
for field, names in FLAGS.items():
    for name in names:
        f = flag(name)
        if f is not None: expected[name] = 1 if attrs[field] & f else 0
expected['TTY_OP_ISPEED'] = SPEEDS[attrs[4]]
expected['TTY_OP_OSPEED'] = SPEEDS[attrs[5]]

payloads = []
exec_seen = threading.Event()
resized = threading.Event()

def recorder(table, ptype, name_of):
    original = table[ptype]
    def record(target, m):
        raw = bytes([ptype]) + m.asbytes()
        payloads.append(raw.hex())
        original(target, m)
        if name_of(raw) == b'exec': exec_seen.set()
        if name_of(raw) == b'window-change': resized.set()
    table[ptype] = record

def request_name(raw):
    n = struct.unpack('>I', raw[5:9])[0]
    return raw[9:9 + n]

recorder(paramiko.Transport._handler_table, MSG_CHANNEL_OPEN, lambda raw: b'')
recorder(paramiko.Transport._channel_handler_table, MSG_CHANNEL_REQUEST, request_name)

class Server(paramiko.ServerInterface):
    def get_allowed_auths(self, username): return 'none'
    def check_auth_none(self, username): return paramiko.AUTH_SUCCESSFUL
    def check_channel_request(self, kind, chanid): return paramiko.OPEN_SUCCEEDED
    def check_channel_pty_request(self, *args): return True
    def check_channel_env_request(self, *args): return False
    def check_channel_shell_request(self, channel): return True
    def check_channel_exec_request(self, channel, command): return True

listener = socket.socket()
listener.bind(('127.0.0.1', 0))
listener.listen(1)
listener.settimeout(20)
env = dict(os.environ, TERM=cfg['term'], LC_SSHTS_TEST=cfg['envValue'])
ssh = subprocess.Popen(
    [cfg['ssh'], '-tt', '-F', '/dev/null', '-p', str(listener.getsockname()[1]),
     '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes',
     '-o', 'LogLevel=ERROR', '-o', 'SendEnv=LC_SSHTS_TEST', 'user@127.0.0.1', cfg['command']],
    stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
try:
    conn, _ = listener.accept()
    t = paramiko.Transport(conn)
    t.add_server_key(paramiko.RSAKey.generate(1024))
    t.start_server(server=Server())
    chan = t.accept(20)
    if not exec_seen.wait(20): raise SystemExit('no exec request from ssh')
    # A new size, then SIGWINCH: ssh reads the size back from its tty and sends window-change.
    winsize(slave, cfg['resize'])
    ssh.send_signal(signal.SIGWINCH)
    if not resized.wait(20): raise SystemExit('no window-change from ssh')
    chan.send_exit_status(0)
    chan.close()
    ssh.wait(20)
    t.close()
finally:
    if ssh.poll() is None: ssh.kill()
version = subprocess.run([cfg['ssh'], '-V'], capture_output=True, text=True).stderr.strip()
print(json.dumps({'version': version, 'payloads': payloads, 'expected': expected}, indent=2, ensure_ascii=False))

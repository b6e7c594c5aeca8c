# Payloads that paramiko and AsyncSSH themselves build for connection-protocol messages, captured
# by giving their Channel / Transport objects a fake transport. Input (stdin, JSON): the field
# values. Output (stdout, JSON): name -> payload hex, plus AsyncSSH's terminal-mode opcode table.
import json, socket, sys, warnings
warnings.simplefilter('ignore')
import paramiko
import asyncssh.constants
from asyncssh.channel import SSHClientChannel, SSHServerChannel

cfg = json.load(sys.stdin)
out = {}

# --- paramiko: Channel methods on an open channel whose transport records what it is given.
class Recorder:
    def __init__(self): self.sent = []
    def _send_user_message(self, m): self.sent.append(m.asbytes().hex())
    def _set_x11_handler(self, handler): pass
    def _set_forward_agent_handler(self, handler): pass

def paramiko_channel():
    ch = paramiko.Channel(0)
    ch.transport = Recorder()
    ch.remote_chanid = cfg['recipient']
    ch.active = True
    ch._event_pending = lambda: None
    ch._wait_for_event = lambda: None
    return ch

def capture(name, call):
    ch = paramiko_channel()
    call(ch)
    out[name] = ch.transport.sent[0]

pty = cfg['pty']
capture('paramiko pty-req', lambda ch: ch.get_pty(pty['term'], pty['cols'], pty['rows'], pty['widthPx'], pty['heightPx']))
wc = cfg['windowChange']
capture('paramiko window-change', lambda ch: ch.resize_pty(wc['cols'], wc['rows'], wc['widthPx'], wc['heightPx']))
capture('paramiko exec', lambda ch: ch.exec_command(cfg['command']))
capture('paramiko subsystem', lambda ch: ch.invoke_subsystem(cfg['subsystem']))
capture('paramiko env', lambda ch: ch.set_environment_variable(cfg['env']['name'], cfg['env']['value']))
capture('paramiko exit-status', lambda ch: ch.send_exit_status(cfg['exitStatus']))
x11 = cfg['x11']
capture('paramiko x11-req', lambda ch: ch.request_x11(x11['screen'], x11['protocol'], x11['cookie'], x11['singleConnection']))
capture('paramiko auth-agent-req', lambda ch: ch.request_forward_agent(lambda c: None))

# paramiko's Transport.open_channel: the CHANNEL_OPEN is recorded, then the transport reports
# itself inactive so open_channel gives up instead of waiting for a confirmation.
a, b = socket.socketpair()
t = paramiko.Transport(a)
t.active = True
opens = []
def send_open(m):
    opens.append(m.asbytes().hex())
    t.active = False
t._send_user_message = send_open
tcp = cfg['directTcpip']
try:
    t.open_channel('direct-tcpip', (tcp['host'], tcp['port']), (tcp['originHost'], tcp['originPort']),
                   window_size=cfg['window'], max_packet_size=cfg['maxPacket'])
except paramiko.SSHException:
    pass
out['paramiko direct-tcpip open'] = opens[0]
a.close(); b.close()

# --- AsyncSSH: channel methods whose connection records send_packet(type, payload).
class Conn:
    def __init__(self): self.sent = []
    def send_packet(self, pkttype, payload, handler=None): self.sent.append((bytes([pkttype]) + payload).hex())

class Log:
    def __getattr__(self, name): return lambda *a, **k: None

def asyncssh_channel(cls):
    ch = cls.__new__(cls)
    ch._conn = Conn()
    ch._send_chan = cfg['recipient']
    ch._send_state = 'open'
    ch._logger = Log()
    ch.close = lambda: None
    return ch

def capture_asyncssh(name, cls, call):
    ch = asyncssh_channel(cls)
    call(ch)
    out[name] = ch._conn.sent[0]

sig = cfg['exitSignal']
capture_asyncssh('asyncssh exit-signal', SSHServerChannel,
                 lambda ch: ch.exit_with_signal(sig['signal'], sig['coreDumped'], sig['message'], ''))
capture_asyncssh('asyncssh exit-status', SSHServerChannel, lambda ch: ch.exit(cfg['exitStatus']))
capture_asyncssh('asyncssh signal', SSHClientChannel, lambda ch: ch.send_signal(cfg['signal']))
capture_asyncssh('asyncssh break', SSHClientChannel, lambda ch: ch.send_break(cfg['breakMs']))
capture_asyncssh('asyncssh window-change', SSHClientChannel,
                 lambda ch: ch.change_terminal_size(wc['cols'], wc['rows'], wc['widthPx'], wc['heightPx']))

modes = {name[4:]: value for name, value in vars(asyncssh.constants).items()
         if name.startswith('PTY_') and isinstance(value, int)}
print(json.dumps({'payloads': out, 'asyncsshModes': modes}, indent=2))

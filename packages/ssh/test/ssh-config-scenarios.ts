// The configurations test/ssh-config-oracle.test.ts hands to both `ssh -G` and our lookup.

export interface Lookup {
  host: string;
  user?: string;
  port?: number;
}
export interface Scenario {
  name: string;
  /** File name → content; "@DIR@" is replaced by the scenario directory. The first is the config. */
  files: Record<string, string>;
  lookups: Lookup[];
  env?: Record<string, string>;
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'Host blocks, patterns, negation, first value wins, = syntax, quotes, comments',
    files: {
      config: `# leading comment
Host *.example.com !bad.example.com
  Port 2201
  User=alice
Host web? db*
    HostName "%h.internal.example.net"
    port = 2202
HOST bad.example.com
  Port 2203
Host exact
  HostName 10.0.0.7
  User "bob smith"
  ConnectTimeout=15
  ServerAliveInterval 1m30s
  ServerAliveCountMax 7
Host multi one two three
  StrictHostKeyChecking accept-new
Host *
  # first obtained value wins: these only fill what is still unset
  Port 22
  User fallback
  StrictHostKeyChecking no
  HashKnownHosts yes
  IdentitiesOnly yes
  BatchMode yes
  # Debian's ssh makes BatchMode imply ServerAliveInterval 300; upstream OpenSSH (and we) do not.
  ServerAliveInterval 0
  Compression yes
`,
    },
    lookups: [
      { host: 'a.example.com' },
      { host: 'bad.example.com' },
      { host: 'web1' },
      { host: 'web12' },
      { host: 'dbserver', user: 'root', port: 9999 },
      { host: 'exact' },
      { host: 'two' },
      { host: 'elsewhere' },
      { host: 'UPPER.Example.COM' },
    ],
  },
  {
    name: 'Match host/originalhost/user/localuser/all/final/canonical and negation',
    files: {
      config: `Host alias
  HostName real.example.com
Match host real.example.com
  Port 1111
Match final host real.example.com
  User finaluser
Host real.example.com
  ConnectTimeout 7
Match canonical
  ServerAliveInterval 9
Match originalhost alias user root,bob
  ServerAliveCountMax 5
Match !localuser nobody-here
  Compression yes
Match user "carol"
  ForwardAgent yes
Match host *.example.com !host real.*
  HashKnownHosts yes
Match all
  BatchMode yes
`,
    },
    lookups: [
      { host: 'alias' },
      { host: 'alias', user: 'bob' },
      { host: 'alias', user: 'carol' },
      { host: 'other.example.com' },
      { host: 'plain' },
    ],
  },
  {
    name: 'CanonicalizeHostname re-parses with the new name (no DNS involved)',
    files: {
      config: `CanonicalizeHostname yes
Host short
  HostName Long.Example.Org
Host long.example.org
  Port 4022
Match canonical host long.*
  User canon
`,
    },
    lookups: [{ host: 'short' }, { host: 'long.example.org' }],
  },
  {
    name: 'Include: absolute, glob (sorted), relative to ~/.ssh, nested, inside Host, Match does not leak',
    files: {
      config: `Include @DIR@/conf.d/*.conf
Host inc
  Include extra.conf
Host *
  Include @DIR@/nested1.conf
  IdentityFile ~/.ssh/top
`,
      'conf.d/20-second.conf': 'Host globbed\n  Port 2020\n',
      'conf.d/10-first.conf': 'Host globbed\n  Port 1010\n  User first\n',
      'conf.d/ignored.txt': 'Port 9\n',
      'home/.ssh/extra.conf': 'Port 3030\nMatch host nomatch\nUser nobody\n',
      'nested1.conf': 'Include @DIR@/nested2.conf\nServerAliveCountMax 11\n',
      'nested2.conf': 'ServerAliveInterval 22\nMatch originalhost inc\n  ConnectionAttempts 4\n',
    },
    lookups: [{ host: 'globbed' }, { host: 'inc' }, { host: 'other' }],
  },
  {
    name: `%-tokens, \${ENV} and ~ in the keywords that expand them`,
    env: { SSHTS_TEST_DIR: '/tmp/sshts-env-dir' },
    files: {
      config: `Host tok
  HostName %h.tokens.example
  HostKeyAlias Alias-%%-Name
  UserKnownHostsFile ~/kh_%h_%p_%r %d/kh2_%n_%u_%l_%L ${'$'}{SSHTS_TEST_DIR}/kh3_%i_%k_%C
  ControlPath ~/.ssh/cm_%C_%%
  IdentityAgent ${'$'}{SSHTS_TEST_DIR}/agent_%r
  RemoteCommand echo %h %p %r %n %C %%
  LocalCommand echo %h %T
  ForwardAgent ~/fwd-%h.sock
  IdentityFile ~/.ssh/id_%h
  IdentityFile %d/.ssh/id_%r_%p
  CertificateFile ~/.ssh/cert_%h
`,
    },
    lookups: [{ host: 'tok' }, { host: 'tok', user: 'u1', port: 2222 }],
  },
  {
    name: 'IdentityFile/CertificateFile expand like UserKnownHostsFile (checked through ssh itself)',
    env: { SSHTS_TEST_DIR: '/tmp/x' },
    files: {
      config: `Host idexp
  UserKnownHostsFile ~/.ssh/id_%h_%r_%p_%C ${'$'}{SSHTS_TEST_DIR}/%n_%u_%d
  IdentityFile ~/.ssh/id_%h_%r_%p_%C
  IdentityFile ${'$'}{SSHTS_TEST_DIR}/%n_%u_%d
`,
    },
    lookups: [{ host: 'idexp', user: 'zed', port: 2022 }],
  },
  {
    name: 'Algorithm lists with +, -, ^ and wildcards',
    files: {
      config: `Host plus
  Ciphers +aes128-cbc,3des-cbc
  MACs ^hmac-sha1,hmac-md5
  KexAlgorithms -*sha1*,diffie-hellman-group1*
  HostKeyAlgorithms +ssh-rsa,ssh-rsa-cert-v01@openssh.com
  PubkeyAcceptedAlgorithms ssh-ed25519*,rsa-sha2-*
  CASignatureAlgorithms -ssh-rsa,rsa-sha2-256
  HostbasedAcceptedAlgorithms ^ssh-dss
Host minus
  Ciphers -aes*-ctr
  MACs -*etm*
  KexAlgorithms ^diffie-hellman-group14-sha1,curve25519-sha256
  HostKeyAlgorithms -*cert*,sk-*
  PubkeyAcceptedKeyTypes +ssh-dss
Host explicit
  Ciphers aes256-gcm@openssh.com,aes128-ctr,aes256-gcm@openssh.com
  KexAlgorithms curve25519-sha256
  HostKeyAlgorithms ecdsa-sha2-nistp*
  MACs hmac-sha2-512
Host *
  Ciphers aes128-ctr
`,
    },
    lookups: [{ host: 'plus' }, { host: 'minus' }, { host: 'explicit' }, { host: 'default' }],
  },
  {
    name: 'Accumulating keywords: IdentityFile, CertificateFile, forwardings, SendEnv; SetEnv first line',
    files: {
      config: `Host acc
  IdentityFile ~/.ssh/a
  IdentityFile ~/.ssh/b
  CertificateFile ~/.ssh/a-cert.pub
  LocalForward 8080 localhost:80
  LocalForward 127.0.0.1:8443 [::1]:443
  RemoteForward 9000 localhost:9000
  RemoteForward 1080
  DynamicForward 1081
  DynamicForward localhost:1082
  SendEnv LANG LC_*
  SetEnv A=1 B="two words" A=3
  SetEnv C=4
Host sockets
  LocalForward /tmp/sshts-local-%r.sock /run/remote.sock
  LocalForward 127.0.0.1:7000 /run/remote-%h.sock
  RemoteForward /run/remote-listen.sock localhost:22
Host *
  IdentityFile ~/.ssh/a
  IdentityFile ~/.ssh/c
  CertificateFile ~/.ssh/c-cert.pub
  LocalForward 8080 localhost:80
  SendEnv X_* -LC_* Y
  SendEnv LANG
`,
    },
    lookups: [{ host: 'acc' }, { host: 'zzz' }, { host: 'sockets' }],
  },
  {
    name: 'ProxyJump, ProxyCommand, agent and misc values',
    files: {
      config: `Host j1
  ProxyJump bob@jump1:2200,ssh://alice@jump2:23
Host j2
  ProxyJump [2001:db8::1]:2222
  ProxyCommand ignored because ProxyJump came first
Host j3
  ProxyCommand ssh -W %h:%p gateway # not a comment for ProxyCommand
  ProxyJump ignored
Host j4
  ProxyJump none
  ProxyCommand nc %h %p
Host j5
  ProxyJump jumper extra words are dropped
Host misc
  AddKeysToAgent confirm 5m
  ForwardAgent no
  ForwardAgent /tmp/agent-path-not-used-because-no-came-first
  RekeyLimit 1G 1h
  PubkeyAuthentication unbound
  RequestTTY force
  PreferredAuthentications publickey,password
  UpdateHostKeys ask
  VerifyHostKeyDNS yes
  CheckHostIP yes
  TCPKeepAlive no
  AddressFamily inet6
  BindAddress 192.0.2.1
  NumberOfPasswordPrompts 1
  ConnectionAttempts 3
  RequiredRSASize 2048
  PasswordAuthentication no
  ChallengeResponseAuthentication no
  LogLevel debug2
  PermitLocalCommand yes
  ExitOnForwardFailure no
  GlobalKnownHostsFile /etc/a /etc/b
  UserKnownHostsFile none
  IdentityAgent none
Host misc2
  AddKeysToAgent 1h
  RekeyLimit default none
  StrictHostKeyChecking off
  ClearAllForwardings yes
  LocalForward 1234 h:1
  KbdInteractiveAuthentication no
  SetupTimeOut 42
  ExitOnForwardFailure yes
`,
    },
    lookups: [
      { host: 'j1' },
      { host: 'j2' },
      { host: 'j3' },
      { host: 'j4' },
      { host: 'j5' },
      { host: 'misc' },
      { host: 'misc2' },
    ],
  },
  {
    name: 'Line syntax: quoting, escapes, "=", tabs, CRLF, trailing comments, addresses',
    files: {
      config: [
        '"Host" q1',
        '\t"Port" 2001',
        "  User 'single quoted' # trailing comment",
        'Host q2',
        'Port =2002',
        'User = "a b"',
        'IdentityFile "/path with/space" ',
        'IdentityFile /escaped\\ space',
        'HostName\t=\tMixed.Case.Example\r',
        'Host q3 # comment ends the pattern list',
        'User alice#not-a-comment',
        'Port 2003\r',
        'ProxyCommand  =  nc "%h" \'%p\' # kept verbatim',
        'Host v4',
        '  HostName 127.1',
        'Host v6',
        '  HostName 0:0::1',
        'Host v6upper',
        '  HostName FE80::1',
        'Host noid',
        '  IdentityFile none',
        '',
      ].join('\n'),
    },
    lookups: [
      { host: 'q1' },
      { host: 'q2' },
      { host: 'q3' },
      { host: 'v4' },
      { host: 'v6' },
      { host: 'v6upper' },
      { host: 'noid' },
    ],
  },
  {
    name: 'IgnoreUnknown lets unknown keywords through once it has a value',
    files: {
      config: `IgnoreUnknown FooOption,Bar*
FooOption something
Host x
  BarBaz 1
  Port 2345
`,
    },
    lookups: [{ host: 'x' }, { host: 'y' }],
  },
];

/**
 * Lines the differential property test combines at random: valid ones of most kinds, some that
 * interact (ProxyJump/ProxyCommand, Match final, CanonicalizeHostname, Include), and some ssh
 * rejects. "@DIR@" is the test directory, which holds inc1, inc2 and home/.ssh/inc-rel.
 */
export const RANDOM_LINES = [
  'Host a*',
  'Host !ab a*',
  'Host *',
  'Host b c',
  'Host A',
  'HOST ab',
  'Match host a*',
  'Match !host b',
  'Match originalhost a',
  'Match user u1',
  'Match !user u1',
  'Match localuser root',
  'Match final',
  'Match canonical',
  'Match all',
  'Match canonical all',
  'Match final host x.example',
  'Match host x.example !originalhost x.example',
  'Match Host A',
  'HostName x.example',
  'HostName %h.example',
  'HostName 10.1',
  'hostname %h',
  'User u1',
  'User u2',
  'User = "q u"',
  "User 'single'",
  'Port 2022',
  'Port=2044',
  'Port 2055 # c',
  'IdentityFile ~/.ssh/k%h',
  'IdentityFile /k2',
  'IdentityFile none',
  'CertificateFile /c',
  'ProxyJump j1',
  'ProxyJump none',
  'ProxyJump a,b@c:1',
  'ProxyJump ssh://u@h:2',
  'ProxyJump x # y',
  'ProxyCommand pc %h',
  'ProxyCommand none',
  'LocalForward 1 h:2',
  'DynamicForward 3',
  `DynamicForward \${HOME}:9`,
  'RemoteForward 4',
  'RemoteForward 5 h:6',
  'SendEnv A B',
  'SendEnv -A',
  'SetEnv A=1',
  'SetEnv B=2 A=3',
  'Ciphers +aes128-cbc',
  'Ciphers -aes*',
  'Ciphers ^aes256-ctr',
  'MACs hmac-sha1',
  'KexAlgorithms -curve*',
  'KexAlgorithms sntrup761x25519-sha512,curve25519-sha256',
  'HostKeyAlgorithms +ssh-rsa',
  'HostKeyAlgorithms ecdsa-sha2-nistp*',
  'PubkeyAcceptedAlgorithms -ssh-ed25519*',
  'CASignatureAlgorithms ^ssh-rsa',
  'StrictHostKeyChecking no',
  'StrictHostKeyChecking accept-new',
  'StrictHostKeyChecking off',
  'StrictHostKeyChecking True',
  'ConnectTimeout 5',
  'ConnectTimeout none',
  'ConnectTimeout 1h',
  'ServerAliveInterval 10',
  'ServerAliveInterval none',
  'ServerAliveCountMax 1',
  'ForwardAgent yes',
  'ForwardAgent /tmp',
  'AddKeysToAgent ask',
  'IdentitiesOnly yes',
  'HashKnownHosts yes',
  'UserKnownHostsFile ~/kh_%h',
  'UserKnownHostsFile none',
  'GlobalKnownHostsFile /g',
  'ControlPath ~/%C',
  'RemoteCommand r %h',
  'IdentityAgent none',
  'CanonicalizeHostname yes',
  'CanonicalizeHostname always',
  'ClearAllForwardings yes',
  'HostKeyAlias KA',
  'PreferredAuthentications password',
  'PubkeyAuthentication host-bound',
  'RequestTTY no',
  'Compression yes',
  'RekeyLimit 1M 5',
  'UpdateHostKeys no',
  'VerifyHostKeyDNS ask',
  'Include @DIR@/inc*',
  'Include inc-rel',
  'IgnoreUnknown foo',
  'Foo bar',
  'Port 0',
  'Ciphers bogus',
  'User "x',
  'Match host',
  'SendEnv A=1',
  'LocalForward 1',
];

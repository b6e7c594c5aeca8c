// Hostile and unusual certificates, encoded by the test's own PROTOCOL.certkeys encoder
// (cert-tools.ts encodeCert) and signed with generated keys: every rule of sshkey.c cert_parse and
// auth-options.c cert_option_list that ssh-keygen would never let us break.
import { MalformedMessageError, SSHError } from '@sshts/wire';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CertificateError,
  generatePrivateKey,
  MAX_CERTIFICATE_PRINCIPALS,
  type PrivateKey,
  parsePublicKeyBlob,
  signCertificate,
  UnsupportedKeyTypeError,
} from '../src/index.js';
import { baseFields, type CertFields, encodeCert, sshString } from './cert-tools.js';
import { sshStrings } from './helpers.js';

let ca: PrivateKey;
let subject: PrivateKey;
let rsaSubject: PrivateKey;

beforeAll(async () => {
  ca = await generatePrivateKey('ed25519');
  subject = await generatePrivateKey('ed25519');
  rsaSubject = await generatePrivateKey('rsa', { bits: 2048 });
});

async function craft(edit: (f: CertFields) => void, signer: PrivateKey = ca): Promise<Uint8Array> {
  const f = baseFields(subject.publicKey, ca.publicKey);
  edit(f);
  return encodeCert(f, signer);
}

function reasonOf(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof CertificateError) return e.reason;
    throw e;
  }
  return 'accepted';
}

describe('certificate parsing rules', () => {
  it('accepts the baseline and round-trips the blob', async () => {
    const blob = await craft(() => {});
    const key = parsePublicKeyBlob(blob);
    expect(key.blob).toEqual(blob);
    expect(key.certificate!.principals).toEqual(['alice']);
    key.certificate!.check({ certType: 'user', principal: 'alice' });
  });

  it('refuses a CA key that is itself a certificate (no chained certificates)', async () => {
    const caCert = await signCertificate({ key: ca.publicKey, certType: 'user' }, subject);
    const blob = await craft((f) => {
      f.caBlob = caCert.blob;
    });
    expect(() => parsePublicKeyBlob(blob)).toThrow(/cannot be a CA key/);
    expect(() => parsePublicKeyBlob(blob)).toThrow(MalformedMessageError);
  });

  it('refuses unknown certificate types, a CA of an unsupported type, and a key of the wrong type', async () => {
    await expect(
      craft((f) => {
        f.certType = 3;
      }).then(parsePublicKeyBlob),
    ).rejects.toThrow(MalformedMessageError);
    await expect(
      craft((f) => {
        f.certType = 0;
      }).then(parsePublicKeyBlob),
    ).rejects.toThrow(MalformedMessageError);
    const dss = sshStrings('ssh-dss', Uint8Array.of(1), Uint8Array.of(1), Uint8Array.of(1), Uint8Array.of(1));
    await expect(
      craft((f) => {
        f.caBlob = dss;
      }).then(parsePublicKeyBlob),
    ).rejects.toThrow(UnsupportedKeyTypeError);
    // An Ed25519 certificate type whose key fields are an RSA key's.
    await expect(
      craft((f) => {
        f.key = rsaSubject.publicKey.blob;
      }).then(parsePublicKeyBlob),
    ).rejects.toThrow(MalformedMessageError);
    // The RSA signature names are algorithms, never blob types.
    await expect(
      craft((f) => {
        f.key = rsaSubject.publicKey.blob;
        f.type = 'rsa-sha2-256-cert-v01@openssh.com';
      }).then(parsePublicKeyBlob),
    ).rejects.toThrow(UnsupportedKeyTypeError);
  });

  it('bounds principals and refuses NUL bytes in names (sshbuf_get_cstring)', async () => {
    const many = (n: number): string[] => Array.from({ length: n }, (_, i) => `p${i}`);
    const ok = parsePublicKeyBlob(
      await craft((f) => {
        f.principals = many(MAX_CERTIFICATE_PRINCIPALS);
      }),
    );
    expect(ok.certificate!.principals).toHaveLength(256);
    await expect(
      craft((f) => {
        f.principals = many(MAX_CERTIFICATE_PRINCIPALS + 1);
      }).then(parsePublicKeyBlob),
    ).rejects.toThrow(MalformedMessageError);
    await expect(
      craft((f) => {
        f.principals = ['a\0b'];
      }).then(parsePublicKeyBlob),
    ).rejects.toThrow(MalformedMessageError);
    await expect(
      craft((f) => {
        f.keyId = 'id\0';
      }).then(parsePublicKeyBlob),
    ).rejects.toThrow(MalformedMessageError);
    await expect(
      craft((f) => {
        f.critical = [['force\0command', sshString('x')]];
      }).then(parsePublicKeyBlob),
    ).rejects.toThrow(MalformedMessageError);
  });

  it('requires option sections to be name/data pairs, each name once; order is not enforced (as OpenSSH)', async () => {
    await expect(
      craft((f) => {
        f.critical = [
          ['a', new Uint8Array(0)],
          ['a', new Uint8Array(0)],
        ];
      }).then(parsePublicKeyBlob),
    ).rejects.toThrow(/appears twice/);
    await expect(
      craft((f) => {
        f.extensions = [
          ['permit-pty', new Uint8Array(0)],
          ['permit-pty', new Uint8Array(0)],
        ];
      }).then(parsePublicKeyBlob),
    ).rejects.toThrow(MalformedMessageError);
    const unsorted = parsePublicKeyBlob(
      await craft((f) => {
        f.extensions = [
          ['permit-pty', new Uint8Array(0)],
          ['permit-X11-forwarding', new Uint8Array(0)],
        ];
      }),
    );
    expect([...unsorted.certificate!.extensions.keys()]).toEqual(['permit-pty', 'permit-X11-forwarding']);
    // Sections that are not name/data pairs: a name without data, a stray byte, a bad principal.
    for (const edit of [
      (f: CertFields) => {
        f.extensionsRaw = sshString('permit-pty');
      },
      (f: CertFields) => {
        f.criticalRaw = Uint8Array.of(0);
      },
      (f: CertFields) => {
        f.principalsRaw = Uint8Array.of(0, 0, 0, 9, 0x61);
      },
    ]) {
      await expect(craft(edit).then(parsePublicKeyBlob)).rejects.toThrow(MalformedMessageError);
    }
  });

  it('refuses trailing bytes and truncation', async () => {
    const blob = await craft(() => {});
    expect(() => parsePublicKeyBlob(new Uint8Array([...blob, 0]))).toThrow(MalformedMessageError);
    for (const cut of [10, 50, 100, blob.length - 70, blob.length - 1]) {
      expect(() => parsePublicKeyBlob(blob.subarray(0, cut)), String(cut)).toThrow(SSHError);
    }
  });
});

describe('certificate checks on crafted certificates', () => {
  it('refuses every critical option in a host certificate (sshkey_cert_check_host)', async () => {
    const host = parsePublicKeyBlob(
      await craft((f) => {
        f.certType = 2;
        f.principals = ['h'];
        f.critical = [['force-command', sshString('true')]];
      }),
    );
    expect(reasonOf(() => host.certificate!.check({ certType: 'host', principal: 'h' }))).toBe(
      'critical-option',
    );
  });

  it('refuses malformed known options and known extensions with data (cert_option_list "extra data")', async () => {
    const user = async (edit: (f: CertFields) => void): Promise<string> => {
      const cert = parsePublicKeyBlob(await craft(edit)).certificate!;
      return reasonOf(() => cert.check({ certType: 'user', principal: 'alice', sourceAddress: '10.0.0.1' }));
    };
    expect(
      await user((f) => {
        f.critical = [['force-command', Uint8Array.of(1, 2, 3)]];
      }),
    ).toBe('critical-option');
    expect(
      await user((f) => {
        f.critical = [['force-command', new Uint8Array([...sshString('ls'), 0])]];
      }),
    ).toBe('critical-option');
    expect(
      await user((f) => {
        f.critical = [['verify-required', Uint8Array.of(0)]];
      }),
    ).toBe('critical-option');
    expect(
      await user((f) => {
        f.critical = [['source-address', sshString('10.0.0.1/8')]];
      }),
    ).toBe('critical-option');
    expect(
      await user((f) => {
        f.critical = [['source-address', sshString('bogus')]];
      }),
    ).toBe('critical-option');
    expect(
      await user((f) => {
        f.critical = [['source-address', sshString('10.0.0.0/8,')]];
      }),
    ).toBe('critical-option');
    expect(
      await user((f) => {
        f.critical = [['source-address', sshString('10.0.0.0/8')]];
      }),
    ).toBe('accepted');
    expect(
      await user((f) => {
        f.extensions = [['permit-pty', sshString('')]];
      }),
    ).toBe('extension');
    expect(
      await user((f) => {
        f.extensions = [['unknown@example.com', sshString('anything')]];
      }),
    ).toBe('accepted');
  });

  it('verifies the CA signature with the signature key and its algorithm only', async () => {
    const other = await generatePrivateKey('ed25519');
    const wrongSigner = parsePublicKeyBlob(await craft(() => {}, other));
    expect(wrongSigner.certificate!.verifySignature()).toBe(false);
    expect(reasonOf(() => wrongSigner.certificate!.check({ certType: 'user', principal: 'alice' }))).toBe(
      'signature',
    );

    // An RSA CA whose signature blob is relabelled with another RSA algorithm name.
    const rsaCa = rsaSubject;
    const f = baseFields(subject.publicKey, rsaCa.publicKey);
    const blob = await encodeCert(f, rsaCa, 'rsa-sha2-256');
    const cert = parsePublicKeyBlob(blob).certificate!;
    expect(cert.verifySignature()).toBe(true);
    const relabelled = Buffer.from(blob).lastIndexOf('rsa-sha2-256');
    expect(relabelled).toBeGreaterThan(0);
    const copy = blob.slice();
    copy.set(new TextEncoder().encode('rsa-sha2-512'), relabelled);
    expect(parsePublicKeyBlob(copy).certificate!.verifySignature()).toBe(false);
    expect(
      reasonOf(() => parsePublicKeyBlob(copy).certificate!.check({ certType: 'user', principal: 'alice' })),
    ).toBe('signature');
  });

  it('verify() accepts only this certificate’s algorithms', async () => {
    const key = parsePublicKeyBlob(await craft(() => {}));
    const data = Uint8Array.of(1, 2, 3);
    const sig = subject.sign(data);
    expect(key.verify(data, sig, 'ssh-ed25519-cert-v01@openssh.com')).toBe(true);
    expect(key.verify(data, sig, 'ssh-ed25519')).toBe(true);
    expect(key.verify(data, sig, 'rsa-sha2-256-cert-v01@openssh.com')).toBe(false);
    expect(key.verify(data, sig, 'ecdsa-sha2-nistp256-cert-v01@openssh.com')).toBe(false);
    expect(key.verify(data, sig, 'bogus-cert-v01@openssh.com')).toBe(false);
    expect(key.verify(data, ca.sign(data))).toBe(false);
    expect(() => key.verify('x' as unknown as Uint8Array, sig)).toThrow(TypeError);
  });
});

describe('fuzz: certificate blobs', () => {
  it('mutated certificates never throw anything but typed errors, from parse, verify or check', async () => {
    const seeds = [
      await craft(() => {}),
      await craft((f) => {
        f.critical = [
          ['force-command', sshString('id')],
          ['source-address', sshString('10.0.0.0/8')],
        ];
      }),
      await encodeCert(
        { ...baseFields(rsaSubject.publicKey, ca.publicKey), certType: 2, principals: ['h'] },
        ca,
      ),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.option(fc.nat()),
        (seed, edits, cut) => {
          const blob = seed.slice();
          for (const [i, b] of edits) blob[i % blob.length] = b;
          const bytes = cut === null ? blob : blob.subarray(0, cut % (blob.length + 1));
          let key: ReturnType<typeof parsePublicKeyBlob>;
          try {
            key = parsePublicKeyBlob(bytes);
          } catch (e) {
            if (e instanceof SSHError) return;
            throw e;
          }
          const cert = key.certificate;
          if (cert === undefined) return;
          cert.verifySignature();
          key.verify(Uint8Array.of(1), Uint8Array.of(0, 0, 0, 1, 0x41));
          for (const certType of ['user', 'host'] as const) {
            try {
              cert.check({ certType, principal: 'alice', sourceAddress: '10.1.1.1', now: 5 });
            } catch (e) {
              if (!(e instanceof CertificateError)) throw e;
            }
          }
          void cert.forceCommand;
          void cert.sourceAddresses;
        },
      ),
      { numRuns: 400 },
    );
  });
});

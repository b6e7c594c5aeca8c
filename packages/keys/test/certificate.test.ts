// OpenSSH certificates made by ssh-keygen -s for every CA and subject key type we implement: the
// parsed fields equal what `ssh-keygen -L` prints, the CA signature verifies (and fails when a
// signed byte changes), check() applies sshkey_cert_check_authority's and cert_option_list's rules,
// and the certificates we issue are read back by ssh-keygen.
import { readFileSync, writeFileSync } from 'node:fs';
import { toolAvailability } from '@sshts/test-peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CertificateError,
  certifiedSigner,
  DEFAULT_CA_SIGNATURE_ALGORITHMS,
  type PrivateKey,
  type PublicKey,
  parsePrivateKey,
  parsePublicKey,
  parseSignatureBlob,
  signCertificate,
} from '../src/index.js';
import {
  KEY_SPECS,
  keygen,
  makeKeys,
  parseKeygenListing,
  renderOption,
  renderValidity,
  TempDir,
} from './cert-tools.js';
import { utf8 } from './helpers.js';

const tool = await toolAvailability('ssh-keygen');
const sshKeygen = tool.available ? tool.path : '';

function certError(fn: () => void): CertificateError {
  try {
    fn();
  } catch (e) {
    return e as CertificateError;
  }
  throw new Error('expected a CertificateError');
}

// Only when the tool is missing outside CI (toolAvailability throws under CI=true instead).
describe.skipIf(!tool.available)('certificates from ssh-keygen -s', () => {
  const dir = new TempDir();
  let cas: Map<string, string>;
  let subjects: Map<string, string>;
  const pub = (path: string): PublicKey => parsePublicKey(readFileSync(`${path}.pub`, 'utf8'));
  const priv = (path: string): PrivateKey => parsePrivateKey(readFileSync(path, 'utf8'));

  /** Signs a copy of `subject`.pub as `name` and returns the certificate file text and -L output. */
  const sign = (
    name: string,
    ca: string,
    subject: string,
    args: string[],
  ): { text: string; listing: string } => {
    const copy = dir.write(`${name}.pub`, readFileSync(`${subject}.pub`));
    keygen(sshKeygen, ['-q', '-s', ca, ...args, copy]);
    const certPath = dir.file(`${name}-cert.pub`);
    return { text: readFileSync(certPath, 'utf8'), listing: keygen(sshKeygen, ['-L', '-f', certPath]) };
  };

  beforeAll(() => {
    cas = makeKeys(sshKeygen, dir, 'ca');
    subjects = makeKeys(sshKeygen, dir, 'subject');
  });
  afterAll(() => dir.remove());

  it('parses every CA × subject combination with the fields ssh-keygen -L prints', () => {
    let n = 0;
    for (const caSpec of KEY_SPECS) {
      for (const subSpec of KEY_SPECS) {
        n++;
        const host = n % 2 === 0;
        const name = `c${n}`;
        const hostName = `host-${n}.example.com`;
        const args = host
          ? ['-h', '-I', `id ${name}`, '-n', `${hostName},127.0.0.1`, '-V', '+1h', '-z', String(n)]
          : [
              '-I',
              `id ${name}`,
              '-n',
              'p1,p2',
              '-V',
              '+1h',
              '-z',
              String(1000 + n),
              '-O',
              'force-command=/usr/bin/id -u',
              '-O',
              'source-address=10.0.0.0/8,::1/128',
            ];
        const { text, listing } = sign(name, cas.get(caSpec.name)!, subjects.get(subSpec.name)!, args);
        const want = parseKeygenListing(listing);
        const key = parsePublicKey(text);
        const cert = key.certificate!;
        const ctx = `${caSpec.name} signs ${subSpec.name}`;

        expect(key.type, ctx).toBe(want.type);
        expect(key.toString(), ctx).toBe(text.trim());
        expect(cert.certType, ctx).toBe(want.certType);
        expect(key.fingerprint(), ctx).toBe(want.publicKeyFingerprint);
        expect(cert.key.equals(pub(subjects.get(subSpec.name)!)), ctx).toBe(true);
        expect(cert.key.certificate, ctx).toBeUndefined();
        expect(cert.signatureKey.equals(pub(cas.get(caSpec.name)!)), ctx).toBe(true);
        expect(cert.signatureKey.fingerprint(), ctx).toBe(want.caFingerprint);
        expect(parseSignatureBlob(cert.signature).algorithm, ctx).toBe(want.caSignatureAlgorithm);
        expect(cert.keyId, ctx).toBe(want.keyId);
        expect(cert.serial, ctx).toBe(want.serial);
        expect(renderValidity(cert.validAfter, cert.validBefore), ctx).toBe(want.valid);
        expect(cert.principals, ctx).toEqual(want.principals);
        expect(
          [...cert.criticalOptions].map(([k, v]) => renderOption(k, v, true)),
          ctx,
        ).toEqual(want.criticalOptions);
        expect(
          [...cert.extensions].map(([k, v]) => renderOption(k, v, false)),
          ctx,
        ).toEqual(want.extensions);
        expect(key.bits, ctx).toBe(cert.key.bits);
        expect(
          key.signatureAlgorithms.every((a) => a.endsWith('-cert-v01@openssh.com')),
          ctx,
        ).toBe(true);

        expect(cert.verifySignature(), ctx).toBe(true);
        if (host) {
          expect(cert.forceCommand).toBeUndefined();
          cert.check({ certType: 'host', principal: hostName });
          cert.check({ certType: 'host', principal: '127.0.0.1' });
        } else {
          expect(cert.forceCommand, ctx).toBe('/usr/bin/id -u');
          expect(cert.sourceAddresses, ctx).toEqual(['10.0.0.0/8', '::1/128']);
          cert.check({ certType: 'user', principal: 'p2', sourceAddress: '10.20.30.40' });
          cert.check({ certType: 'user', principal: 'p1', sourceAddress: '::1' });
        }

        // The CA signs everything before the signature field: change one nonce byte.
        const blob = key.blob.slice();
        const nonceAt = 4 + key.type.length + 4;
        blob[nonceAt] = blob[nonceAt]! ^ 1;
        const tampered = parsePublicKey(`${key.type} ${Buffer.from(blob).toString('base64')}`).certificate!;
        expect(tampered.verifySignature(), ctx).toBe(false);
        const err = certError(() => tampered.check({ certType: host ? 'host' : 'user' }));
        expect(err.code).toBe('ERR_CERTIFICATE');
        expect(err.reason, ctx).toBe('signature');
      }
    }
  });

  it('enforces valid_after <= now < valid_before', () => {
    const ca = cas.get('ed25519')!;
    const subject = subjects.get('ecdsa256')!;
    const expired = parsePublicKey(
      sign('expired', ca, subject, ['-I', 'e', '-n', 'u', '-V', '-2h:-1h']).text,
    );
    expect(expired.certificate!.verifySignature()).toBe(true);
    expect(certError(() => expired.certificate!.check({ certType: 'user', principal: 'u' })).reason).toBe(
      'expired',
    );
    const future = parsePublicKey(sign('future', ca, subject, ['-I', 'f', '-n', 'u', '-V', '+1h:+2h']).text);
    expect(certError(() => future.certificate!.check({ certType: 'user', principal: 'u' })).reason).toBe(
      'not-yet-valid',
    );
    const { validAfter, validBefore } = future.certificate!;
    future.certificate!.check({ certType: 'user', principal: 'u', now: validAfter });
    future.certificate!.check({ certType: 'user', principal: 'u', now: validBefore - 1n });
    expect(
      certError(() => future.certificate!.check({ certType: 'user', principal: 'u', now: validBefore }))
        .reason,
    ).toBe('expired');
    expect(
      certError(() => future.certificate!.check({ certType: 'user', principal: 'u', now: validAfter - 1n }))
        .reason,
    ).toBe('not-yet-valid');

    const forever = sign('forever', ca, subject, ['-I', 'f', '-n', 'u', '-V', 'always:forever']);
    expect(parseKeygenListing(forever.listing).valid).toBe('forever');
    const cert = parsePublicKey(forever.text).certificate!;
    expect(cert.validAfter).toBe(0n);
    expect(cert.validBefore).toBe(0xffffffffffffffffn);
    cert.check({ certType: 'user', principal: 'u', now: 0 });
  });

  it('rejects the wrong type, an unlisted principal and an empty list where one is required', () => {
    const ca = cas.get('ecdsa384')!;
    const subject = subjects.get('ed25519')!;
    const user = parsePublicKey(sign('typeu', ca, subject, ['-I', 'u', '-n', 'alice,bob', '-V', '+1h']).text);
    expect(certError(() => user.certificate!.check({ certType: 'host', principal: 'alice' })).reason).toBe(
      'type',
    );
    expect(certError(() => user.certificate!.check({ certType: 'user', principal: 'carol' })).reason).toBe(
      'principal',
    );
    // Principals compare exactly, as sshkey_cert_check_authority's strcmp.
    expect(certError(() => user.certificate!.check({ certType: 'user', principal: 'Alice' })).reason).toBe(
      'principal',
    );
    user.certificate!.check({ certType: 'user', principal: 'bob' });

    const host = parsePublicKey(
      sign('typeh', ca, subject, ['-h', '-I', 'h', '-n', 'h.example', '-V', '+1h']).text,
    );
    expect(
      certError(() => host.certificate!.check({ certType: 'user', principal: 'h.example' })).reason,
    ).toBe('type');

    const anyUser = parsePublicKey(sign('anyu', ca, subject, ['-I', 'any', '-V', '+1h']).text).certificate!;
    expect(anyUser.principals).toEqual([]);
    expect(certError(() => anyUser.check({ certType: 'user', principal: 'alice' })).reason).toBe('principal');
    anyUser.check({ certType: 'user', principal: 'alice', requirePrincipal: false });
    const anyHost = parsePublicKey(sign('anyh', ca, subject, ['-h', '-I', 'any', '-V', '+1h']).text)
      .certificate!;
    anyHost.check({ certType: 'host', principal: 'whatever.example' });
  });

  it('rejects unknown critical options and checks source-address', () => {
    const ca = cas.get('rsa2048')!;
    const subject = subjects.get('ecdsa521')!;
    const unknown = parsePublicKey(
      sign('crit', ca, subject, ['-I', 'c', '-n', 'u', '-V', '+1h', '-O', 'critical:foo@example.com=bar'])
        .text,
    ).certificate!;
    expect(unknown.verifySignature()).toBe(true);
    const err = certError(() => unknown.check({ certType: 'user', principal: 'u' }));
    expect(err.reason).toBe('critical-option');
    expect(err.message).toContain('foo@example.com');

    const verify = parsePublicKey(
      sign('vr', ca, subject, ['-I', 'v', '-n', 'u', '-V', '+1h', '-O', 'verify-required']).text,
    ).certificate!;
    expect([...verify.criticalOptions.keys()]).toEqual(['verify-required']);
    verify.check({ certType: 'user', principal: 'u' });

    const source = parsePublicKey(
      sign('src', ca, subject, ['-I', 's', '-n', 'u', '-V', '+1h', '-O', 'source-address=192.0.2.0/24']).text,
    ).certificate!;
    source.check({ certType: 'user', principal: 'u', sourceAddress: '192.0.2.77' });
    expect(
      certError(() => source.check({ certType: 'user', principal: 'u', sourceAddress: '192.0.3.1' })).reason,
    ).toBe('source-address');
    expect(certError(() => source.check({ certType: 'user', principal: 'u' })).reason).toBe('source-address');
    expect(
      certError(() => source.check({ certType: 'user', principal: 'u', sourceAddress: '2001:db8::1' }))
        .reason,
    ).toBe('source-address');
  });

  it('refuses SHA-1 ssh-rsa CA signatures unless allowed, as CASignatureAlgorithms in 9.2', () => {
    const ca = cas.get('rsa2048')!;
    for (const [alg, allowedByDefault] of [
      ['ssh-rsa', false],
      ['rsa-sha2-256', true],
      ['rsa-sha2-512', true],
    ] as const) {
      const { text, listing } = sign(`sha-${alg}`, ca, subjects.get('ed25519')!, [
        '-t',
        alg,
        '-I',
        'x',
        '-n',
        'u',
        '-V',
        '+1h',
      ]);
      expect(parseKeygenListing(listing).caSignatureAlgorithm).toBe(alg);
      const cert = parsePublicKey(text).certificate!;
      expect(cert.verifySignature(), alg).toBe(allowedByDefault);
      expect(
        cert.verifySignature({ allowedAlgorithms: [...DEFAULT_CA_SIGNATURE_ALGORITHMS, 'ssh-rsa'] }),
      ).toBe(true);
      if (!allowedByDefault) {
        expect(certError(() => cert.check({ certType: 'user', principal: 'u' })).reason).toBe(
          'signature-algorithm',
        );
        cert.check({ certType: 'user', principal: 'u', allowedAlgorithms: ['ssh-rsa'] });
      }
    }
  });

  it('certifiedSigner signs with the certified key under every certificate algorithm', async () => {
    const data = utf8('session identifier and userauth request');
    for (const spec of KEY_SPECS) {
      const subject = subjects.get(spec.name)!;
      const certKey = parsePublicKey(
        sign(`signer-${spec.name}`, cas.get('ed25519')!, subject, ['-I', 's', '-n', 'u']).text,
      );
      const signer = certifiedSigner(priv(subject), certKey);
      expect(signer.publicKey).toBe(certKey);
      for (const alg of certKey.signatureAlgorithms) {
        const sig = await signer.sign(data, alg);
        const plain = alg.replace('-cert-v01@openssh.com', '');
        expect(parseSignatureBlob(sig).algorithm, alg).toBe(plain);
        expect(certKey.verify(data, sig, alg), alg).toBe(true);
        expect(certKey.verify(data, sig, plain), alg).toBe(true);
        expect(certKey.verify(data, sig), alg).toBe(true);
        expect(certKey.certificate!.key.verify(data, sig, plain), alg).toBe(true);
        expect(certKey.verify(utf8('other data'), sig, alg), alg).toBe(false);
        for (const other of certKey.signatureAlgorithms.filter((a) => a !== alg)) {
          expect(certKey.verify(data, sig, other), `${alg} as ${other}`).toBe(false);
        }
      }
      // The default is the strongest certificate algorithm.
      expect(parseSignatureBlob(await signer.sign(data)).algorithm).toBe(
        certKey.certificate!.key.signatureAlgorithms[0],
      );
      expect(() => signer.sign(data, 'ssh-ed448-cert-v01@openssh.com')).toThrow(TypeError);
    }
    const other = subjects.get('ed25519')!;
    const certKey = parsePublicKey(
      sign('mismatch', cas.get('ed25519')!, subjects.get('ecdsa256')!, ['-I', 'm']).text,
    );
    expect(() => certifiedSigner(priv(other), certKey)).toThrow(TypeError);
    expect(() => certifiedSigner(priv(other), pub(other))).toThrow(TypeError);
  });

  it('issues certificates that ssh-keygen -L reads back (it verifies the CA signature)', async () => {
    let n = 0;
    for (const caSpec of KEY_SPECS) {
      const ca = priv(cas.get(caSpec.name)!);
      for (const subSpec of KEY_SPECS.filter((_, i) => i === n % KEY_SPECS.length || i === 0)) {
        n++;
        const key = pub(subjects.get(subSpec.name)!);
        const user = n % 2 === 1;
        const issued = await signCertificate(
          {
            key,
            certType: user ? 'user' : 'host',
            keyId: `issued ${n}`,
            principals: user ? ['alice', 'bob'] : ['h.example.com'],
            validAfter: 1_700_000_000,
            validBefore: 1_900_000_000n,
            serial: 0xfedcba9876543210n,
            ...(user
              ? {
                  criticalOptions: { 'source-address': '10.0.0.0/8', 'force-command': 'uptime' },
                  extensions: { 'permit-pty': true, 'custom@example.com': 'value' },
                }
              : {}),
            comment: 'issued by sshts',
          },
          ca,
        );
        const path = dir.write(`issued-${n}-cert.pub`, `${issued.toString()}\n`);
        const want = parseKeygenListing(keygen(sshKeygen, ['-L', '-f', path]));
        const ctx = `${caSpec.name} issues for ${subSpec.name}`;
        expect(want.type, ctx).toBe(`${key.type}-cert-v01@openssh.com`);
        expect(want.certType, ctx).toBe(user ? 'user' : 'host');
        expect(want.keyId, ctx).toBe(`issued ${n}`);
        expect(want.serial, ctx).toBe(0xfedcba9876543210n);
        expect(want.valid, ctx).toBe('from 2023-11-14T22:13:20 to 2030-03-17T17:46:40');
        expect(want.publicKeyFingerprint, ctx).toBe(key.fingerprint());
        expect(want.caFingerprint, ctx).toBe(ca.publicKey.fingerprint());
        expect(want.caSignatureAlgorithm, ctx).toBe(
          caSpec.name === 'rsa2048' ? 'rsa-sha2-512' : ca.publicKey.type,
        );
        if (user) {
          expect(want.principals).toEqual(['alice', 'bob']);
          // Sorted by name on the wire, as PROTOCOL.certkeys asks.
          expect(want.criticalOptions).toEqual(['force-command uptime', 'source-address 10.0.0.0/8']);
          expect(want.extensions).toEqual([
            'custom@example.com UNKNOWN OPTION: 0000000576616c7565 (len 9)',
            'permit-pty',
          ]);
        } else {
          expect(want.principals).toEqual(['h.example.com']);
          expect(want.criticalOptions).toEqual([]);
          expect(want.extensions).toEqual([]);
        }
        expect(issued.comment).toBe('issued by sshts');
        expect(issued.certificate!.verifySignature()).toBe(true);
      }
    }
  });

  it('gives user certificates ssh-keygen’s default extensions', async () => {
    const ca = priv(cas.get('ed25519')!);
    const issued = await signCertificate({ key: pub(subjects.get('ed25519')!), certType: 'user' }, ca);
    const path = dir.write('defaults-cert.pub', `${issued.toString()}\n`);
    const viaKeygen = sign('defaults-ref', cas.get('ed25519')!, subjects.get('ed25519')!, ['-I', 'd']);
    expect(parseKeygenListing(keygen(sshKeygen, ['-L', '-f', path])).extensions).toEqual(
      parseKeygenListing(viaKeygen.listing).extensions,
    );
    expect(parseKeygenListing(keygen(sshKeygen, ['-L', '-f', path])).valid).toBe('forever');
    const host = await signCertificate({ key: pub(subjects.get('ed25519')!), certType: 'host' }, ca);
    expect(host.certificate!.extensions.size).toBe(0);
  });

  it('refuses to issue a certificate of a certificate or with a certificate CA', async () => {
    const ca = priv(cas.get('ed25519')!);
    const certKey = parsePublicKey(
      sign('refuse', cas.get('ed25519')!, subjects.get('ed25519')!, ['-I', 'r']).text,
    );
    await expect(signCertificate({ key: certKey, certType: 'user' }, ca)).rejects.toThrow(TypeError);
    const certSigner = certifiedSigner(priv(subjects.get('ed25519')!), certKey);
    await expect(
      signCertificate({ key: pub(subjects.get('rsa2048')!), certType: 'user' }, certSigner),
    ).rejects.toThrow(TypeError);
    await expect(
      signCertificate({ key: pub(subjects.get('rsa2048')!), certType: 'user', principals: ['a\0b'] }, ca),
    ).rejects.toThrow(TypeError);
    writeFileSync(dir.file('unused'), '');
  });
});

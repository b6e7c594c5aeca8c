// Fixed certificates made by ssh-keygen -s (test-vectors/certificates, see its README): parsed fields
// equal the stored `ssh-keygen -L` output, and the CA signature and checks hold. Runs without
// OpenSSH installed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CertificateError, parsePublicKey, parseSignatureBlob } from '../src/index.js';
import { parseKeygenListing, renderOption, renderValidity } from './cert-tools.js';

const DIR = join(import.meta.dirname, '../../../test-vectors/certificates');

interface CertVector {
  name: string;
  command: string;
  certificate: string;
  caPublicKey: string;
  subjectPublicKey: string;
  keygenListing: string;
}

const vectors = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as CertVector);

describe('certificate vectors from ssh-keygen', () => {
  it('has the three vectors', () => expect(vectors.map((v) => v.name)).toHaveLength(3));

  for (const v of vectors) {
    it(v.name, () => {
      const want = parseKeygenListing(v.keygenListing);
      const key = parsePublicKey(v.certificate);
      const cert = key.certificate!;
      expect(key.type).toBe(want.type);
      expect(key.toString()).toBe(v.certificate);
      expect(cert.certType).toBe(want.certType);
      expect(key.fingerprint()).toBe(want.publicKeyFingerprint);
      expect(cert.key.equals(parsePublicKey(v.subjectPublicKey))).toBe(true);
      expect(cert.signatureKey.equals(parsePublicKey(v.caPublicKey))).toBe(true);
      expect(cert.signatureKey.fingerprint()).toBe(want.caFingerprint);
      expect(parseSignatureBlob(cert.signature).algorithm).toBe(want.caSignatureAlgorithm);
      expect(cert.keyId).toBe(want.keyId);
      expect(cert.serial).toBe(want.serial);
      expect(renderValidity(cert.validAfter, cert.validBefore)).toBe(want.valid);
      expect(cert.principals).toEqual(want.principals);
      expect([...cert.criticalOptions].map(([k, d]) => renderOption(k, d, true))).toEqual(
        want.criticalOptions,
      );
      expect([...cert.extensions].map(([k, d]) => renderOption(k, d, false))).toEqual(want.extensions);
      expect(cert.verifySignature()).toBe(true);
      const now = 1_900_000_000; // 2030, inside every vector's window
      const principal = cert.principals[0]!;
      cert.check({ certType: cert.certType, principal, now, sourceAddress: '10.1.2.3' });
      expect(() =>
        cert.check({ certType: cert.certType, principal: 'nobody', now, sourceAddress: '10.1.2.3' }),
      ).toThrow(CertificateError);
    });
  }

  it('reads the force-command and source-address options', () => {
    const v = vectors.find((x) => x.name === 'ed25519-ca-rsa-user')!;
    const cert = parsePublicKey(v.certificate).certificate!;
    expect(cert.forceCommand).toBe('/usr/bin/uptime');
    expect(cert.sourceAddresses).toEqual(['10.0.0.0/8', '2001:db8::/32']);
    expect(cert.extensions.has('permit-pty')).toBe(false); // -O no-pty
    cert.check({ certType: 'user', principal: 'root', now: 1_900_000_000, sourceAddress: '2001:db8::42' });
    expect(() =>
      cert.check({ certType: 'user', principal: 'root', now: 1_900_000_000, sourceAddress: '2001:db9::42' }),
    ).toThrow(/source-address/);
    expect(() =>
      cert.check({ certType: 'user', principal: 'root', now: 2_300_000_000, sourceAddress: '10.0.0.1' }),
    ).toThrow(/expired/);
  });
});

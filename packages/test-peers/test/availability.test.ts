import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { overrideCommand } from '../src/commands.js';
import { peerAvailability, startPeer, toolAvailability } from '../src/index.js';
import { parseRekeyBytes } from '../src/peers/python.js';

const FAKE = 'sshts-no-such-binary-4f1c';

describe('a missing peer', () => {
  const saved = { CI: process.env.CI, INSTALL: process.env.SSHTS_TEST_PEERS_INSTALL };
  beforeEach(() => {
    overrideCommand('dropbear', FAKE);
    // Never run apt-get from this test.
    process.env.SSHTS_TEST_PEERS_INSTALL = '0';
  });
  afterEach(() => {
    overrideCommand('dropbear', undefined);
    for (const [key, value] of [
      ['CI', saved.CI],
      ['SSHTS_TEST_PEERS_INSTALL', saved.INSTALL],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('is reported with one clear line outside CI, and startPeer throws that line', async () => {
    delete process.env.CI;
    const result = await peerAvailability('dropbear');
    expect(result.available).toBe(false);
    if (result.available) return;
    expect(result.reason).not.toMatch(/\n/);
    expect(result.reason).toContain('dropbear unavailable');
    expect(result.reason).toContain(FAKE);
    expect(result.reason).toContain('apt-get install dropbear-bin');
    expect(result.reason).toContain('SSHTS_TEST_PEERS_INSTALL=0');
    await expect(startPeer('dropbear')).rejects.toThrow(result.reason);
  });

  it('is a failure under CI=true: peerAvailability and startPeer throw', async () => {
    process.env.CI = 'true';
    await expect(peerAvailability('dropbear')).rejects.toThrow(/dropbear unavailable.*CI=true/);
    await expect(startPeer('dropbear')).rejects.toThrow(/dropbear unavailable.*CI=true/);
  });

  it('comes back once the override is gone', async () => {
    delete process.env.CI;
    overrideCommand('dropbear', undefined);
    const result = await peerAvailability('dropbear');
    // On a machine without dropbear this is the ordinary skip case.
    if (!result.available) expect(result.reason).not.toContain(FAKE);
  });

  it('applies the same rule to client tools', async () => {
    delete process.env.CI;
    overrideCommand('plink', FAKE);
    try {
      const result = await toolAvailability('plink');
      expect(result).toMatchObject({ available: false });
      process.env.CI = 'true';
      await expect(toolAvailability('plink')).rejects.toThrow(/plink.*putty-tools/);
    } finally {
      overrideCommand('plink', undefined);
    }
  });
});

describe('parseRekeyBytes', () => {
  it('reads OpenSSH RekeyLimit sizes', () => {
    expect(parseRekeyBytes('1M')).toBe(1024 * 1024);
    expect(parseRekeyBytes('500K 30s')).toBe(500 * 1024);
    expect(parseRekeyBytes('4096')).toBe(4096);
    expect(parseRekeyBytes('default none')).toBeUndefined();
    expect(parseRekeyBytes(undefined)).toBeUndefined();
    expect(() => parseRekeyBytes('lots')).toThrow(/RekeyLimit/);
  });
});

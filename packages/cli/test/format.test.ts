// Output formats with no server: the progress line, exit codes for signals, ls -l mode strings,
// fingerprint lines.
import { parsePublicKey } from 'sshts';
import { describe, expect, it } from 'vitest';
import { fingerprintLine } from '../src/keys/fingerprint-line.js';
import { modeString } from '../src/listing/long-format.js';
import { exitCodeFor } from '../src/session/exit-status.js';
import { formatBytes, formatDuration, formatProgressLine } from '../src/transfer/progress-format.js';
import { RateMeter } from '../src/transfer/rate-meter.js';

describe('progress line', () => {
  const snapshot = {
    name: 'big.iso',
    done: 512 * 1024,
    total: 1024 * 1024,
    rate: 256 * 1024,
    elapsed: 2,
    finished: false,
  };

  it('shows percentage, bytes, rate and the time left within the width', () => {
    const line = formatProgressLine(snapshot, 80);
    expect(line).toMatch(/^big\.iso +\[#{7,} +\] +50% +512\.0 KiB +256\.0 KiB\/s +00:02 ETA$/);
    expect(line.length).toBeLessThanOrEqual(79);
  });

  it('shows the time taken when finished, and leaves the bar out of plain lines', () => {
    const line = formatProgressLine({ ...snapshot, done: 1024 * 1024, finished: true }, 100, false);
    expect(line).toMatch(/^big\.iso +100% +1\.0 MiB +256\.0 KiB\/s +00:02$/);
    expect(line).not.toContain('[');
  });

  it('shortens a long name on a narrow terminal', () => {
    const line = formatProgressLine({ ...snapshot, name: 'x'.repeat(200) }, 60);
    expect(line.length).toBeLessThanOrEqual(59);
    expect(line).toContain('…');
  });

  it('formats sizes and durations', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Number.NaN)).toBe('--:--');
  });

  it('follows the recent rate', () => {
    const meter = new RateMeter(0);
    meter.sample(1000, 1000);
    meter.sample(10_000, 1000 + 9000 * 10);
    expect(meter.rate(10_000)).toBeCloseTo(10_000, -1);
    expect(meter.average(10_000, 91_000)).toBeCloseTo(9100, 0);
  });
});

describe('exit codes', () => {
  it('is the status, 128 + signal number, or 255', () => {
    expect(exitCodeFor({ exitCode: 3, signal: null })).toBe(3);
    expect(exitCodeFor({ exitCode: 256 + 7, signal: null })).toBe(7);
    expect(exitCodeFor({ exitCode: null, signal: 'KILL' })).toBe(137);
    expect(exitCodeFor({ exitCode: null, signal: 'TERM' })).toBe(143);
    expect(exitCodeFor({ exitCode: null, signal: 'NOSUCH' })).toBe(255);
    expect(exitCodeFor({ exitCode: null, signal: null })).toBe(255);
  });
});

describe('ls -l modes', () => {
  it('prints strmode strings', () => {
    expect(modeString(0o100644)).toBe('-rw-r--r--');
    expect(modeString(0o040755)).toBe('drwxr-xr-x');
    expect(modeString(0o104755)).toBe('-rwsr-xr-x');
    expect(modeString(0o041777)).toBe('drwxrwxrwt');
    expect(modeString(0o120777)).toBe('lrwxrwxrwx');
    expect(modeString(undefined)).toBe('??????????');
  });
});

describe('fingerprint lines', () => {
  it('as ssh-keygen -l prints them', () => {
    // A key whose line and fingerprint OpenSSH 9.2's `ssh-keygen -l` printed.
    const key = parsePublicKey(
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM+SLwBXAWaOf4ybcfkbzy8qxNrUq+n7CwmbnejUi2Ov c',
    );
    expect(fingerprintLine(key, 'me@here')).toBe(
      '256 SHA256:8HbYVNZnnl4t32BKzCKu8S4nl2l7/h4MVrpuLy/dwGs me@here (ED25519)',
    );
    expect(fingerprintLine(key, '')).toMatch(/ no comment \(ED25519\)$/);
    expect(fingerprintLine(key, 'c', 'md5')).toMatch(/^256 MD5:([0-9a-f]{2}:){15}[0-9a-f]{2} c \(ED25519\)$/);
  });
});

// Message numbers, RFC 4250 §4.1 (checklist §2).
import { describe, expect, it } from 'vitest';
import { MessageType, messageName } from '../src/index.js';

describe('MessageType', () => {
  it('has the RFC 4250 §4.1 / RFC 8308 / RFC 4419 / OpenSSH numbers', () => {
    const expected: Record<string, number> = {
      DISCONNECT: 1,
      IGNORE: 2,
      UNIMPLEMENTED: 3,
      DEBUG: 4,
      SERVICE_REQUEST: 5,
      SERVICE_ACCEPT: 6,
      EXT_INFO: 7,
      NEWCOMPRESS: 8,
      KEXINIT: 20,
      NEWKEYS: 21,
      KEXDH_INIT: 30,
      KEXDH_REPLY: 31,
      KEX_ECDH_INIT: 30,
      KEX_ECDH_REPLY: 31,
      KEX_DH_GEX_REQUEST_OLD: 30,
      KEX_DH_GEX_GROUP: 31,
      KEX_DH_GEX_INIT: 32,
      KEX_DH_GEX_REPLY: 33,
      KEX_DH_GEX_REQUEST: 34,
      USERAUTH_REQUEST: 50,
      USERAUTH_FAILURE: 51,
      USERAUTH_SUCCESS: 52,
      USERAUTH_BANNER: 53,
      USERAUTH_PK_OK: 60,
      USERAUTH_PASSWD_CHANGEREQ: 60,
      USERAUTH_INFO_REQUEST: 60,
      USERAUTH_INFO_RESPONSE: 61,
      GLOBAL_REQUEST: 80,
      REQUEST_SUCCESS: 81,
      REQUEST_FAILURE: 82,
      CHANNEL_OPEN: 90,
      CHANNEL_OPEN_CONFIRMATION: 91,
      CHANNEL_OPEN_FAILURE: 92,
      CHANNEL_WINDOW_ADJUST: 93,
      CHANNEL_DATA: 94,
      CHANNEL_EXTENDED_DATA: 95,
      CHANNEL_EOF: 96,
      CHANNEL_CLOSE: 97,
      CHANNEL_REQUEST: 98,
      CHANNEL_SUCCESS: 99,
      CHANNEL_FAILURE: 100,
      PING: 192,
      PONG: 193,
    };
    for (const [name, n] of Object.entries(expected)) {
      expect((MessageType as Record<string, number>)[name], name).toBe(n);
    }
  });
});

describe('messageName', () => {
  it('names unambiguous numbers', () => {
    expect(messageName(1)).toBe('DISCONNECT');
    expect(messageName(20)).toBe('KEXINIT');
    expect(messageName(94)).toBe('CHANNEL_DATA');
    expect(messageName(100)).toBe('CHANNEL_FAILURE');
    expect(messageName(193)).toBe('PONG');
  });
  it('lists every name of a shared number', () => {
    expect(messageName(30).split('/')).toEqual(
      expect.arrayContaining(['KEXDH_INIT', 'KEX_ECDH_INIT', 'KEX_DH_GEX_REQUEST_OLD']),
    );
    expect(messageName(31).split('/')).toEqual(
      expect.arrayContaining(['KEXDH_REPLY', 'KEX_ECDH_REPLY', 'KEX_DH_GEX_GROUP']),
    );
    expect(messageName(60)).toBe('USERAUTH_PK_OK/USERAUTH_PASSWD_CHANGEREQ/USERAUTH_INFO_REQUEST');
  });
  it('gives UNKNOWN_<n> for unassigned numbers', () => {
    for (const n of [0, 9, 19, 22, 35, 49, 54, 62, 83, 101, 128, 191, 194, 255, 256, -1]) {
      expect(messageName(n)).toBe(`UNKNOWN_${n}`);
    }
  });
  it('every assigned number maps back to a name containing each of its keys', () => {
    for (const [name, n] of Object.entries(MessageType)) {
      expect(messageName(n).split('/')).toContain(name);
    }
  });
});

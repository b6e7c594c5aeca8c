// AgentClient against a scripted agent over a Web Streams pipe: message layouts of RFC 9987 §6 and
// PROTOCOL.agent written by hand here, frame bounds (Go CVE-2025-47914), ordering, errors.
import { SSHReader, SSHWriter } from '@sshts/wire';
import { describe, expect, it } from 'vitest';
import { AgentClient } from '../src/agent/agent-client.js';
import { MAX_AGENT_MESSAGE_BYTES } from '../src/agent/agent-messages.js';
import { AgentError } from '../src/errors.js';
import { concat, nodeSigner, sshString } from './helpers.js';

/** A fake agent: `reply(request)` returns the reply message (without its length) or raw bytes to write. */
function scriptedAgent(reply: (request: Uint8Array) => Uint8Array | { raw: Uint8Array } | undefined) {
  const toAgent = new TransformStream<Uint8Array, Uint8Array>();
  const fromAgent = new TransformStream<Uint8Array, Uint8Array>();
  const requests: Uint8Array[] = [];
  const writer = fromAgent.writable.getWriter();
  void (async () => {
    const reader = toAgent.readable.getReader();
    let buffer: Uint8Array = new Uint8Array(0);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer = concat(buffer, value);
      while (buffer.length >= 4) {
        const length = new DataView(buffer.buffer, buffer.byteOffset).getUint32(0);
        if (buffer.length < 4 + length) break;
        const request = buffer.slice(4, 4 + length);
        buffer = buffer.slice(4 + length);
        requests.push(request);
        const out = reply(request);
        if (out === undefined) continue;
        await writer.write('raw' in out ? out.raw : concat(u32(out.length), out));
      }
    }
  })();
  const client = new AgentClient({ readable: fromAgent.readable, writable: toAgent.writable });
  return { client, requests, endFromAgent: () => writer.close() };
}

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

function identitiesAnswer(keys: { blob: Uint8Array; comment: string }[]): Uint8Array {
  return concat(
    Uint8Array.of(12),
    u32(keys.length),
    ...keys.flatMap((k) => [sshString(k.blob), sshString(k.comment)]),
  );
}

describe('AgentClient', () => {
  const ed = nodeSigner('ed25519');
  const rsa = nodeSigner('rsa');

  it('lists identities (RFC 9987 §6.5), skipping key types it cannot parse', async () => {
    const unknown = new SSHWriter()
      .string('sk-ssh-ed25519@openssh.com')
      .string(new Uint8Array(32))
      .finish()
      .slice();
    const { client, requests } = scriptedAgent(() =>
      identitiesAnswer([
        { blob: ed.publicKey.blob, comment: 'ed key' },
        { blob: unknown, comment: 'security key' },
        { blob: rsa.publicKey.blob, comment: 'rsa key' },
      ]),
    );
    const keys = await client.listKeys();
    expect(requests[0]).toEqual(Uint8Array.of(11));
    expect(keys.map((k) => [k.publicKey.type, k.comment])).toEqual([
      ['ssh-ed25519', 'ed key'],
      ['ssh-rsa', 'rsa key'],
    ]);
    expect(keys[1]?.publicKey.toString()).toMatch(/^ssh-rsa \S+ rsa key$/);
    expect(keys[1]?.publicKey.equals(rsa.publicKey)).toBe(true);
    expect(await client.listIdentities()).toHaveLength(3);
  });

  it('signs with the RSA hash flags (2 = SHA-256, 4 = SHA-512) and the exact SIGN_REQUEST layout', async () => {
    const { client, requests } = scriptedAgent((request) => {
      if (request[0] === 11) return identitiesAnswer([{ blob: rsa.publicKey.blob, comment: '' }]);
      const r = new SSHReader(request, 1);
      r.string();
      const data = r.string();
      const flags = r.uint32();
      const alg = flags === 4 ? 'rsa-sha2-512' : flags === 2 ? 'rsa-sha2-256' : 'ssh-rsa';
      return concat(Uint8Array.of(14), sshString(rsa.sign(data.slice(), alg)));
    });
    const [key] = await client.listKeys();
    const data = new TextEncoder().encode('to be signed');
    const s512 = await key!.sign(data);
    const s256 = await key!.sign(data, 'rsa-sha2-256');
    const s1 = await key!.sign(data, 'ssh-rsa');
    expect(requests[1]).toEqual(
      concat(Uint8Array.of(13), sshString(rsa.publicKey.blob), sshString(data), u32(4)),
    );
    expect(requests[2]?.slice(-4)).toEqual(u32(2));
    expect(requests[3]?.slice(-4)).toEqual(u32(0));
    for (const [sig, alg] of [
      [s512, 'rsa-sha2-512'],
      [s256, 'rsa-sha2-256'],
      [s1, 'ssh-rsa'],
    ] as const) {
      expect(new SSHReader(sig).utf8()).toBe(alg);
      expect(rsa.publicKey.verify(data, sig, alg)).toBe(true);
    }
    await expect(key!.sign(data, 'ssh-ed25519')).rejects.toBeInstanceOf(TypeError);
  });

  it('refuses a signature made with another algorithm than asked (an agent ignoring the flags)', async () => {
    const { client } = scriptedAgent((request) => {
      if (request[0] === 11) return identitiesAnswer([{ blob: rsa.publicKey.blob, comment: '' }]);
      const data = new SSHReader(request, 1);
      data.string();
      return concat(Uint8Array.of(14), sshString(rsa.sign(data.string().slice(), 'ssh-rsa')));
    });
    const [key] = await client.listKeys();
    await expect(key!.sign(new Uint8Array(3))).rejects.toMatchObject({ code: 'ERR_AGENT_PROTOCOL' });
  });

  it('FAILURE is ERR_AGENT_FAILURE and the client stays usable', async () => {
    let n = 0;
    const { client } = scriptedAgent(() => (n++ === 0 ? Uint8Array.of(5) : identitiesAnswer([])));
    const error = await client.sign(ed.publicKey.blob, new Uint8Array(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentError);
    expect((error as AgentError).code).toBe('ERR_AGENT_FAILURE');
    expect(await client.listKeys()).toEqual([]);
  });

  it('serialises concurrent requests and matches replies in order', async () => {
    const { client, requests } = scriptedAgent((request) => {
      const r = new SSHReader(request, 1);
      r.string();
      const data = r.string();
      return concat(Uint8Array.of(14), sshString(ed.sign(data.slice())));
    });
    const datas = [1, 2, 3, 4].map((i) => Uint8Array.of(i, i, i));
    const sigs = await Promise.all(datas.map((d) => client.sign(ed.publicKey.blob, d)));
    expect(requests).toHaveLength(4);
    for (const [i, sig] of sigs.entries()) expect(ed.verify(datas[i]!, sig)).toBe(true);
  });

  it('an oversized reply length fails at once, without waiting for the body (CVE-2025-47914)', async () => {
    const { client } = scriptedAgent(() => ({ raw: u32(MAX_AGENT_MESSAGE_BYTES + 1) }));
    const error = await client.listKeys().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_AGENT_PROTOCOL' });
    // The stream is out of step now: every later request fails the same way.
    await expect(client.listKeys()).rejects.toMatchObject({ code: 'ERR_AGENT_PROTOCOL' });
  });

  it('a reply of the maximum size is accepted', async () => {
    const big = new Uint8Array(MAX_AGENT_MESSAGE_BYTES - 13); // the whole message is exactly the limit
    const { client } = scriptedAgent(() => identitiesAnswer([{ blob: big, comment: '' }]));
    const identities = await client.listIdentities();
    expect(identities[0]?.blob.length).toBe(big.length);
  });

  it('a request over the limit is refused without being sent, and the client stays usable', async () => {
    const { client, requests } = scriptedAgent(() => identitiesAnswer([]));
    await expect(
      client.sign(ed.publicKey.blob, new Uint8Array(MAX_AGENT_MESSAGE_BYTES)),
    ).rejects.toMatchObject({
      code: 'ERR_AGENT_TOO_LARGE',
    });
    expect(await client.listKeys()).toEqual([]);
    expect(requests.map((r) => r[0])).toEqual([11]);
  });

  it('an identity count that cannot fit is refused before allocating', async () => {
    const { client } = scriptedAgent(() => concat(Uint8Array.of(12), u32(0xffffffff)));
    await expect(client.listIdentities()).rejects.toMatchObject({ code: 'ERR_AGENT_PROTOCOL' });
  });

  it('zero-length frames and unexpected replies are protocol errors', async () => {
    const zero = scriptedAgent(() => ({ raw: u32(0) }));
    await expect(zero.client.listKeys()).rejects.toMatchObject({ code: 'ERR_AGENT_PROTOCOL' });
    const wrong = scriptedAgent(() => Uint8Array.of(14, 0, 0, 0, 0));
    await expect(wrong.client.listKeys()).rejects.toMatchObject({ code: 'ERR_AGENT_PROTOCOL' });
  });

  it('the agent closing rejects pending and later requests with ERR_AGENT_CLOSED', async () => {
    const agent = scriptedAgent(() => undefined);
    const pending = agent.client.listKeys();
    await new Promise((r) => setTimeout(r, 5));
    await agent.endFromAgent();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_AGENT_CLOSED' });
    await expect(agent.client.listKeys()).rejects.toMatchObject({ code: 'ERR_AGENT_CLOSED' });
  });

  it('close() makes later requests fail with ERR_AGENT_CLOSED', async () => {
    const { client } = scriptedAgent(() => identitiesAnswer([]));
    await client.close();
    await expect(client.listKeys()).rejects.toMatchObject({ code: 'ERR_AGENT_CLOSED' });
  });

  it('session-bind@openssh.com (PROTOCOL.agent): string hostkey, string session id, string signature, bool forwarding', async () => {
    let answer = 6;
    const { client, requests } = scriptedAgent(() => Uint8Array.of(answer));
    const hostKey = ed.publicKey.blob;
    const sessionId = Uint8Array.from({ length: 32 }, (_, i) => i);
    const signature = ed.sign(sessionId);
    expect(await client.bindSession({ hostKey, sessionId, signature })).toBe(true);
    expect(requests[0]).toEqual(
      concat(
        Uint8Array.of(27),
        sshString('session-bind@openssh.com'),
        sshString(hostKey),
        sshString(sessionId),
        sshString(signature),
        Uint8Array.of(0),
      ),
    );
    // From a connection's fields; an agent without the extension answers FAILURE.
    answer = 5;
    const bound = await client.bindSession({ hostKey: ed.publicKey, sessionId, hostKeySignature: signature });
    expect(bound).toBe(false);
    expect(requests[1]).toEqual(requests[0]);
    await expect(
      client.bindSession({ hostKey: undefined, sessionId: undefined, hostKeySignature: undefined }),
    ).rejects.toMatchObject({ code: 'ERR_NOT_CONNECTED' });
  });

  it('extension() returns SUCCESS/EXTENSION_RESPONSE replies and turns refusals into ERR_AGENT_FAILURE', async () => {
    const replies = [Uint8Array.of(29, 1, 2), Uint8Array.of(28)];
    const { client, requests } = scriptedAgent(() => replies.shift());
    expect(await client.extension('query')).toEqual(Uint8Array.of(29, 1, 2));
    expect(requests[0]).toEqual(concat(Uint8Array.of(27), sshString('query')));
    await expect(client.extension('nope@example.com')).rejects.toMatchObject({ code: 'ERR_AGENT_FAILURE' });
  });
});

// One key exchange (RFC 4253 §7): from the two KEXINITs to the derived keys. The connection state
// machine (transport-connection.ts) feeds it the method messages and sends what it returns.

import type { PublicKey, Signer } from '@sshts/keys';
import { HostKeyError, NegotiationError, ProtocolError, SSHWriter } from '@sshts/wire';
import type { CipherAlgorithm } from './cipher.js';
import type { CryptoProvider } from './crypto-provider.js';
import { verifyHostSignature } from './host-key-signature.js';
import type { HostKeySupport } from './host-key-support.js';
import type { KexExchange, KexMethod, KexResult } from './kex-method.js';
import type { KexInit } from './kexinit.js';
import { deriveSessionKeys, type SessionKeys } from './key-derivation.js';
import type { MacAlgorithm } from './mac.js';
import { noneMac } from './macs/none.js';
import { IMPLICIT_MAC, type Negotiated, negotiate } from './negotiate.js';
import { findCipher, findMac } from './registry.js';

export interface KexRoundInput {
  role: 'client' | 'server';
  initial: boolean;
  provider: CryptoProvider;
  kexMethods: readonly KexMethod[];
  /** Client: how to read the server's K_S. */
  hostKeys: HostKeySupport;
  localIdentification: string;
  remoteIdentification: string;
  ours: KexInit;
  theirs: KexInit;
  randomBytes(length: number): Uint8Array;
  /** Server: our host key for a negotiated host-key algorithm (only algorithms we offered). */
  hostKeyFor?(algorithm: string): Signer | undefined;
}

export interface KexOutcome {
  readonly negotiated: Negotiated;
  readonly exchangeHash: Uint8Array;
  readonly hostKey: PublicKey;
  /** The server's signature blob over the exchange hash (an agent's session-bind needs it). */
  readonly signature: Uint8Array;
  /** Keys for what we send and what we receive. */
  readonly keys: SessionKeys;
  readonly method: KexMethod;
  readonly sharedSecret: Uint8Array;
}

/** RFC 4419 §3 sizes, as OpenSSH's dh_estimate() picks them from the cipher strength. */
function groupSizes(cipher: CipherAlgorithm[], mac: MacAlgorithm[]) {
  const need = Math.max(
    ...cipher.map((c) => Math.max(c.keyLength, c.blockSize, c.ivLength)),
    ...mac.map((m) => m.keyLength),
  );
  const bits = need * 8;
  const preferred = bits <= 112 ? 2048 : bits <= 128 ? 3072 : bits <= 192 ? 7680 : 8192;
  return { min: 2048, preferred, max: 8192 };
}

export class KexRound {
  readonly negotiated: Negotiated;
  readonly method: KexMethod;
  private readonly exchange: KexExchange;
  private readonly ciphers: [CipherAlgorithm, CipherAlgorithm];
  private readonly macs: [MacAlgorithm, MacAlgorithm];

  constructor(private readonly input: KexRoundInput) {
    const { role, ours, theirs, provider } = input;
    const [client, server] = role === 'client' ? [ours, theirs] : [theirs, ours];
    this.negotiated = negotiate({
      client,
      server,
      role,
      initial: input.initial,
      isAead: (name) => findCipher(provider, name)?.kind === 'aead',
    });
    const n = this.negotiated;
    const method = input.kexMethods.find((m) => m.name === n.kex);
    if (!method) throw new NegotiationError('kex', ours.kex, theirs.kex);
    this.method = method;
    this.ciphers = [this.cipher(n.cipher[0]), this.cipher(n.cipher[1])];
    this.macs = [this.mac(n.mac[0]), this.mac(n.mac[1])];

    const prefix = new SSHWriter(2048);
    const [vc, vs] =
      role === 'client'
        ? [input.localIdentification, input.remoteIdentification]
        : [input.remoteIdentification, input.localIdentification];
    prefix.string(vc).string(vs).string(client.payload).string(server.payload);
    const x25519 = provider.primitives.x25519KeyPair?.bind(provider.primitives);
    const context = {
      randomBytes: input.randomBytes,
      ...(x25519 ? { x25519KeyPair: x25519 } : {}),
      exchangeHashPrefix: prefix.finish().slice(),
      groupSizes: groupSizes(this.ciphers, this.macs),
    };
    if (role === 'client') {
      this.exchange = method.client(context);
      return;
    }
    // Server: K_S and the signature over H come from our host key for the negotiated algorithm
    // (RFC 4253 §8); a certificate algorithm signs with the certified key's plain algorithm.
    const signer = input.hostKeyFor?.(n.hostKey);
    if (!signer) throw new ProtocolError(`no host key for the negotiated algorithm ${n.hostKey}`);
    this.hostSigner = signer;
    const signatureAlgorithm = plainAlgorithm(n.hostKey);
    this.exchange = method.server({
      ...context,
      hostKeyBlob: signer.publicKey.blob,
      sign: (hash) => signer.sign(hash, signatureAlgorithm),
    });
  }

  /** Server: the host key this exchange signs with. */
  private hostSigner: Signer | undefined;

  private cipher(name: string): CipherAlgorithm {
    const cipher = findCipher(this.input.provider, name);
    if (!cipher) throw new ProtocolError(`negotiated cipher ${name} is not available`);
    return cipher;
  }

  private mac(name: string): MacAlgorithm {
    if (name === IMPLICIT_MAC) return noneMac;
    const mac = findMac(this.input.provider, name);
    if (!mac) throw new ProtocolError(`negotiated MAC ${name} is not available`);
    return mac;
  }

  start(): Uint8Array[] | Promise<Uint8Array[]> {
    return this.exchange.start();
  }

  /** Feeds one method message (30–49); returns what to send and, at the end, the outcome. */
  async receive(
    payload: Uint8Array,
    sessionId: Uint8Array | undefined,
  ): Promise<{ send: Uint8Array[]; outcome?: KexOutcome }> {
    const step = await this.exchange.receive(payload);
    if (!step.result) return { send: step.send };
    return { send: step.send, outcome: this.finish(step.result, sessionId) };
  }

  /**
   * Checks the server's signature over H with the negotiated host-key algorithm before anything
   * else is trusted (RFC 4253 §8), then derives the keys.
   */
  private finish(result: KexResult, sessionId: Uint8Array | undefined): KexOutcome {
    const algorithm = this.negotiated.hostKey;
    if (this.hostSigner) return this.outcome(result, sessionId, this.hostSigner.publicKey);
    let hostKey: PublicKey;
    try {
      hostKey = this.input.hostKeys.parse(result.hostKeyBlob);
    } catch (cause) {
      throw new HostKeyError('', `server host key could not be parsed: ${(cause as Error).message}`, {
        cause,
      });
    }
    // A certificate algorithm (PROTOCOL.certkeys) names the certificate blob type; the signature is
    // the certified key's, made with the plain algorithm (PublicKey.verify maps the name).
    const expectedType = this.input.hostKeys.blobType(algorithm);
    if (expectedType !== hostKey.type) {
      throw new HostKeyError('', `server sent a ${hostKey.type} key for host-key algorithm ${algorithm}`);
    }
    const primitives = this.input.provider.primitives;
    if (!verifyHostSignature(primitives, hostKey, result.exchangeHash, result.signature, algorithm)) {
      throw new HostKeyError('', `server's ${algorithm} signature over the exchange hash does not verify`, {
        code: 'ERR_HOST_KEY_SIGNATURE',
      });
    }
    return this.outcome(result, sessionId, hostKey);
  }

  private outcome(result: KexResult, sessionId: Uint8Array | undefined, hostKey: PublicKey): KexOutcome {
    const id = sessionId ?? result.exchangeHash; // RFC 4253 §7.2: the first H, for the connection's life
    const keys = deriveSessionKeys(this.method.hash, result.sharedSecret, result.exchangeHash, id, {
      cipher: this.ciphers,
      mac: this.macs,
    });
    return {
      negotiated: this.negotiated,
      exchangeHash: result.exchangeHash,
      hostKey,
      signature: result.signature,
      keys,
      method: this.method,
      sharedSecret: result.sharedSecret,
    };
  }
}

/** `ssh-ed25519-cert-v01@openssh.com` → `ssh-ed25519`; RSA certificate names keep their SHA-2 hash. */
function plainAlgorithm(algorithm: string): string {
  const m = /^(.+)-cert-v01@openssh\.com$/.exec(algorithm);
  return m ? m[1]! : algorithm;
}

// Hybrid post-quantum methods: a KEM combined with X25519, one message each way (RFC 9941 for
// sntrup761x25519-sha512; draft-ietf-sshm-mlkem-hybrid-kex for mlkem768x25519-sha256; OpenSSH's
// PROTOCOL and kexsntrup761x25519.c / kexmlkem768x25519.c behave the same way).
//
//   client → HYBRID_INIT  (30)  string C_INIT  = KEM public key ‖ X25519 public key
//   server → HYBRID_REPLY (31)  string K_S, string S_REPLY = KEM ciphertext ‖ X25519 public key,
//                               string signature over H
//   K = string HASH(KEM shared secret ‖ X25519 shared secret (the raw 32 bytes))
//   H = HASH(V_C, V_S, I_C, I_S, string K_S, string C_INIT, string S_REPLY, K)
//
// K is an SSH string (not an mpint) both in H and in the key derivation. Both blobs must have
// exactly their lengths; the X25519 result must not be all zeros.
import type {
  HashName,
  KexContext,
  KexExchange,
  KexMethod,
  KexServerContext,
  KexStep,
} from '@sshts/transport';
import { SSHWriter } from '@sshts/wire';
import { kexFailed } from './errors.js';
import { exchangeHash } from './exchange-hash.js';
import { digest } from './hash.js';
import type { RandomBytes } from './key-agreement.js';
import { buildMessage, closeMessage, openMessage, unexpectedMessage } from './message.js';
import { x25519Ephemeral } from './x25519.js';

const INIT = 30;
const REPLY = 31;
const INIT_NAME = 'KEX_HYBRID_INIT';
const REPLY_NAME = 'KEX_HYBRID_REPLY';
const X25519_BYTES = 32;

/** A key-encapsulation mechanism, with its randomness injected. */
export interface Kem {
  readonly name: string;
  readonly publicKeyBytes: number;
  readonly cipherTextBytes: number;
  keyPair(randomBytes: RandomBytes): { publicKey: Uint8Array; secretKey: Uint8Array };
  /** Throws for a public key the KEM rejects (e.g. FIPS 203's modulus check). */
  encapsulate(
    publicKey: Uint8Array,
    randomBytes: RandomBytes,
  ): { cipherText: Uint8Array; sharedSecret: Uint8Array };
  decapsulate(cipherText: Uint8Array, secretKey: Uint8Array): Uint8Array;
}

export interface HybridSpec {
  readonly name: string;
  readonly hash: HashName;
  readonly kem: Kem;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** K in its wire encoding: string HASH(kem secret ‖ x25519 secret). */
function hybridSecret(hash: HashName, kemSecret: Uint8Array, ecdhSecret: Uint8Array): Uint8Array {
  const k = digest(hash, concat(kemSecret, ecdhSecret));
  return new SSHWriter(k.length + 4).string(k).finish().slice();
}

function hashFields(clientInit: Uint8Array, serverReply: Uint8Array) {
  return (w: SSHWriter) => {
    w.string(clientInit).string(serverReply);
  };
}

class HybridClient implements KexExchange {
  #state: 'new' | 'reply' | 'done' = 'new';
  #kemSecret: Uint8Array | undefined;
  #ecdh: ReturnType<typeof x25519Ephemeral> | undefined;
  #init: Uint8Array | undefined;

  constructor(
    private readonly spec: HybridSpec,
    private readonly context: KexContext,
  ) {}

  start(): Uint8Array[] {
    if (this.#state !== 'new') throw new Error('key exchange already started');
    const random = (n: number) => this.context.randomBytes(n);
    const { publicKey, secretKey } = this.spec.kem.keyPair(random);
    this.#kemSecret = secretKey;
    this.#ecdh = x25519Ephemeral(this.context);
    this.#init = concat(publicKey, this.#ecdh.publicKey);
    this.#state = 'reply';
    const init = this.#init;
    return [buildMessage(INIT, (w) => w.string(init))];
  }

  receive(payload: Uint8Array): KexStep {
    const [kemSecret, ecdh, init] = [this.#kemSecret, this.#ecdh, this.#init];
    if (this.#state !== 'reply' || !kemSecret || !ecdh || !init)
      throw unexpectedMessage(payload, `in state ${this.#state}`);
    this.#state = 'done';
    const { kem, hash } = this.spec;
    const r = openMessage(payload, REPLY, REPLY_NAME);
    const hostKeyBlob = r.string('K_S').slice();
    const reply = r.string('S_REPLY').slice();
    const signature = r.string('signature').slice();
    closeMessage(r, REPLY_NAME);
    if (reply.length !== kem.cipherTextBytes + X25519_BYTES) {
      throw kexFailed(
        `${this.spec.name} S_REPLY must be ${kem.cipherTextBytes + X25519_BYTES} bytes, got ${reply.length}`,
      );
    }
    const kemShared = kem.decapsulate(reply.subarray(0, kem.cipherTextBytes), kemSecret);
    const ecdhShared = ecdh.agree(reply.subarray(kem.cipherTextBytes));
    const sharedSecret = hybridSecret(hash, kemShared, ecdhShared);
    const H = exchangeHash(
      hash,
      this.context.exchangeHashPrefix,
      hostKeyBlob,
      hashFields(init, reply),
      sharedSecret,
    );
    return { send: [], result: { sharedSecret, exchangeHash: H, hostKeyBlob, signature } };
  }
}

class HybridServer implements KexExchange {
  #state: 'init' | 'done' = 'init';

  constructor(
    private readonly spec: HybridSpec,
    private readonly context: KexServerContext,
  ) {}

  start(): Uint8Array[] {
    return [];
  }

  async receive(payload: Uint8Array): Promise<KexStep> {
    if (this.#state !== 'init') throw unexpectedMessage(payload, `in state ${this.#state}`);
    this.#state = 'done';
    const { kem, hash } = this.spec;
    const r = openMessage(payload, INIT, INIT_NAME);
    const init = r.string('C_INIT').slice();
    closeMessage(r, INIT_NAME);
    if (init.length !== kem.publicKeyBytes + X25519_BYTES) {
      throw kexFailed(
        `${this.spec.name} C_INIT must be ${kem.publicKeyBytes + X25519_BYTES} bytes, got ${init.length}`,
      );
    }
    const random = (n: number) => this.context.randomBytes(n);
    let encapsulated: { cipherText: Uint8Array; sharedSecret: Uint8Array };
    try {
      encapsulated = kem.encapsulate(init.subarray(0, kem.publicKeyBytes), random);
    } catch (cause) {
      throw kexFailed(`${kem.name} public key rejected`, cause);
    }
    const ecdh = x25519Ephemeral(this.context);
    const ecdhShared = ecdh.agree(init.subarray(kem.publicKeyBytes));
    const reply = concat(encapsulated.cipherText, ecdh.publicKey);
    const sharedSecret = hybridSecret(hash, encapsulated.sharedSecret, ecdhShared);
    const hostKeyBlob = this.context.hostKeyBlob;
    const H = exchangeHash(
      hash,
      this.context.exchangeHashPrefix,
      hostKeyBlob,
      hashFields(init, reply),
      sharedSecret,
    );
    const signature = await this.context.sign(H);
    const message = buildMessage(REPLY, (w) => w.string(hostKeyBlob).string(reply).string(signature));
    return { send: [message], result: { sharedSecret, exchangeHash: H, hostKeyBlob, signature } };
  }
}

/** A KexMethod from a hybrid spec. */
export function hybridKemMethod(spec: HybridSpec): KexMethod {
  return {
    name: spec.name,
    hash: spec.hash,
    client: (context) => new HybridClient(spec, context),
    server: (context) => new HybridServer(spec, context),
  };
}

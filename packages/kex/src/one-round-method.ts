// Methods with one message each way (RFC 4253 §8, RFC 5656 §4, RFC 8731 §3): the client sends
// INIT (30) with its public value, the server answers REPLY (31) with K_S, its public value and
// its signature over H = HASH(prefix || string K_S || client value || server value || mpint K).
// The public values are `string Q_C` / `string Q_S` for ECDH and `mpint e` / `mpint f` for DH;
// both are strings on the wire, so one exchange serves both.
import type {
  HashName,
  KexContext,
  KexExchange,
  KexMethod,
  KexServerContext,
  KexStep,
} from '@sshts/transport';
import { exchangeHash } from './exchange-hash.js';
import type { EphemeralKey, KeyAgreement } from './key-agreement.js';
import { buildMessage, closeMessage, openMessage, unexpectedMessage } from './message.js';

const INIT = 30;
const REPLY = 31;

export interface OneRoundSpec {
  readonly name: string;
  readonly hash: HashName;
  readonly legacy?: boolean;
  /** Makes the key agreement for one side; `peer` is who sent the value it will receive. */
  readonly agreement: (peer: 'client' | 'server', context: KexContext) => KeyAgreement;
  /** Message names for errors, e.g. `KEX_ECDH_INIT` / `KEX_ECDH_REPLY`. */
  readonly messages: { readonly init: string; readonly reply: string };
  /** Field names for errors, e.g. `Q_C` / `Q_S` or `e` / `f`. */
  readonly fields: { readonly client: string; readonly server: string };
}

class OneRoundClient implements KexExchange {
  #key: EphemeralKey | undefined;
  #state: 'new' | 'reply' | 'done' = 'new';

  constructor(
    private readonly spec: OneRoundSpec,
    private readonly context: KexContext,
  ) {}

  start(): Uint8Array[] {
    if (this.#state !== 'new') throw new Error('key exchange already started');
    const key = this.spec.agreement('server', this.context).generate((n) => this.context.randomBytes(n));
    this.#key = key;
    this.#state = 'reply';
    return [buildMessage(INIT, (w) => w.string(key.publicValue))];
  }

  receive(payload: Uint8Array): KexStep {
    const key = this.#key;
    if (this.#state !== 'reply' || key === undefined)
      throw unexpectedMessage(payload, `in state ${this.#state}`);
    this.#state = 'done'; // whatever happens next, this exchange takes no further message
    const { messages, fields } = this.spec;
    const r = openMessage(payload, REPLY, messages.reply);
    const hostKeyBlob = r.string('K_S').slice();
    const serverValue = r.string(fields.server);
    const signature = r.string('signature').slice();
    closeMessage(r, messages.reply);
    const agreed = key.agree(serverValue);
    const H = exchangeHash(
      this.spec.hash,
      this.context.exchangeHashPrefix,
      hostKeyBlob,
      (w) => w.string(key.publicValue).string(agreed.peerValue),
      agreed.sharedSecret,
    );
    return {
      send: [],
      result: { sharedSecret: agreed.sharedSecret, exchangeHash: H, hostKeyBlob, signature },
    };
  }
}

class OneRoundServer implements KexExchange {
  #state: 'init' | 'done' = 'init';

  constructor(
    private readonly spec: OneRoundSpec,
    private readonly context: KexServerContext,
  ) {}

  start(): Uint8Array[] {
    return [];
  }

  async receive(payload: Uint8Array): Promise<KexStep> {
    if (this.#state !== 'init') throw unexpectedMessage(payload, `in state ${this.#state}`);
    this.#state = 'done'; // whatever happens next, this exchange takes no further message
    const { messages, fields } = this.spec;
    const r = openMessage(payload, INIT, messages.init);
    const clientValue = r.string(fields.client);
    closeMessage(r, messages.init);
    const key = this.spec.agreement('client', this.context).generate((n) => this.context.randomBytes(n));
    const agreed = key.agree(clientValue);
    const hostKeyBlob = this.context.hostKeyBlob;
    const H = exchangeHash(
      this.spec.hash,
      this.context.exchangeHashPrefix,
      hostKeyBlob,
      (w) => w.string(agreed.peerValue).string(key.publicValue),
      agreed.sharedSecret,
    );
    const signature = await this.context.sign(H);
    const reply = buildMessage(REPLY, (w) => w.string(hostKeyBlob).string(key.publicValue).string(signature));
    return {
      send: [reply],
      result: { sharedSecret: agreed.sharedSecret, exchangeHash: H, hostKeyBlob, signature },
    };
  }
}

/** A KexMethod from a one-round spec. */
export function oneRoundMethod(spec: OneRoundSpec): KexMethod {
  return {
    name: spec.name,
    hash: spec.hash,
    ...(spec.legacy ? { legacy: true } : {}),
    client: (context) => new OneRoundClient(spec, context),
    server: (context) => new OneRoundServer(spec, context),
  };
}

// Diffie-Hellman group exchange (RFC 4419; RFC 8270 minimum size). The client asks for a modulus
// size (34 KEX_DH_GEX_REQUEST), the server picks a group (31 KEX_DH_GEX_GROUP), then DH runs over it
// (32 KEX_DH_GEX_INIT `mpint e`, 33 KEX_DH_GEX_REPLY `string K_S, mpint f, string signature`).
// H = HASH(prefix || string K_S || uint32 min || uint32 n || uint32 max || mpint p || mpint g ||
// mpint e || mpint f || mpint K), with min, n, max exactly as the client sent them.
import type {
  HashName,
  KexContext,
  KexExchange,
  KexMethod,
  KexServerContext,
  KexStep,
} from '@sshts/transport';
import { ProtocolError, type SSHWriter } from '@sshts/wire';
import { dhAgreement } from './dh.js';
import { kexFailed } from './errors.js';
import { exchangeHash } from './exchange-hash.js';
import {
  checkGroup,
  checkRequestSizes,
  clampRequestedSizes,
  DEFAULT_GROUP_SIZES,
  fallbackGroup,
  type GroupSizes,
} from './gex-groups.js';
import type { EphemeralKey } from './key-agreement.js';
import { buildMessage, closeMessage, openMessage, unexpectedMessage } from './message.js';
import type { DhGroup } from './modp-groups.js';

const REQUEST_OLD = 30;
const GROUP = 31;
const INIT = 32;
const REPLY = 33;
const REQUEST = 34;

function writeGroupFields(w: SSHWriter, sizes: GroupSizes, group: DhGroup): void {
  w.uint32(sizes.min).uint32(sizes.preferred).uint32(sizes.max).mpint(group.p).mpint(group.g);
}

class GexClient implements KexExchange {
  #state: 'new' | 'group' | 'reply' | 'done' = 'new';
  #sizes: GroupSizes;
  #group: DhGroup | undefined;
  #key: EphemeralKey | undefined;

  constructor(
    private readonly hash: HashName,
    private readonly context: KexContext,
  ) {
    this.#sizes = context.groupSizes ?? DEFAULT_GROUP_SIZES;
    checkRequestSizes(this.#sizes);
  }

  start(): Uint8Array[] {
    if (this.#state !== 'new') throw new Error('key exchange already started');
    this.#state = 'group';
    const { min, preferred, max } = this.#sizes;
    return [buildMessage(REQUEST, (w) => w.uint32(min).uint32(preferred).uint32(max))];
  }

  receive(payload: Uint8Array): KexStep {
    const state = this.#state;
    this.#state = 'done'; // a failed step ends the exchange; a good one sets the next state
    if (state === 'group') return this.#onGroup(payload);
    if (state === 'reply') return this.#onReply(payload);
    throw unexpectedMessage(payload, `in state ${state}`);
  }

  #onGroup(payload: Uint8Array): KexStep {
    const r = openMessage(payload, GROUP, 'KEX_DH_GEX_GROUP');
    const p = r.mpint('p');
    const g = r.mpint('g');
    closeMessage(r, 'KEX_DH_GEX_GROUP');
    const group = { p, g };
    checkGroup(group, this.#sizes.min, this.#sizes.max);
    const key = dhAgreement(group, 'f').generate((n) => this.context.randomBytes(n));
    this.#group = group;
    this.#key = key;
    this.#state = 'reply';
    return { send: [buildMessage(INIT, (w) => w.string(key.publicValue))] };
  }

  #onReply(payload: Uint8Array): KexStep {
    const r = openMessage(payload, REPLY, 'KEX_DH_GEX_REPLY');
    const hostKeyBlob = r.string('K_S').slice();
    const f = r.string('f');
    const signature = r.string('signature').slice();
    closeMessage(r, 'KEX_DH_GEX_REPLY');
    const key = this.#key!;
    const group = this.#group!;
    const agreed = key.agree(f);
    const H = exchangeHash(
      this.hash,
      this.context.exchangeHashPrefix,
      hostKeyBlob,
      (w) => {
        writeGroupFields(w, this.#sizes, group);
        w.string(key.publicValue).string(agreed.peerValue);
      },
      agreed.sharedSecret,
    );
    return {
      send: [],
      result: { sharedSecret: agreed.sharedSecret, exchangeHash: H, hostKeyBlob, signature },
    };
  }
}

class GexServer implements KexExchange {
  #state: 'request' | 'init' | 'done' = 'request';
  #asked: GroupSizes | undefined;
  #group: DhGroup | undefined;

  constructor(
    private readonly hash: HashName,
    private readonly context: KexServerContext,
  ) {}

  start(): Uint8Array[] {
    return [];
  }

  receive(payload: Uint8Array): KexStep | Promise<KexStep> {
    const state = this.#state;
    this.#state = 'done'; // a failed step ends the exchange; a good one sets the next state
    if (state === 'request') return this.#onRequest(payload);
    if (state === 'init') return this.#onInit(payload);
    throw unexpectedMessage(payload, `in state ${state}`);
  }

  #onRequest(payload: Uint8Array): KexStep {
    if (payload[0] === REQUEST_OLD) {
      throw new ProtocolError('KEX_DH_GEX_REQUEST_OLD (30) is not supported; send KEX_DH_GEX_REQUEST (34)');
    }
    const r = openMessage(payload, REQUEST, 'KEX_DH_GEX_REQUEST');
    const asked = { min: r.uint32('min'), preferred: r.uint32('n'), max: r.uint32('max') };
    closeMessage(r, 'KEX_DH_GEX_REQUEST');
    const sizes = clampRequestedSizes(asked);
    const group = this.context.chooseGroup?.(sizes) ?? fallbackGroup(sizes);
    if (group === undefined)
      throw kexFailed(`no Diffie-Hellman group between ${sizes.min} and ${sizes.max} bits`);
    checkGroup(group, sizes.min, sizes.max);
    this.#asked = asked;
    this.#group = group;
    this.#state = 'init';
    return { send: [buildMessage(GROUP, (w) => w.mpint(group.p).mpint(group.g))] };
  }

  async #onInit(payload: Uint8Array): Promise<KexStep> {
    const r = openMessage(payload, INIT, 'KEX_DH_GEX_INIT');
    const e = r.string('e');
    closeMessage(r, 'KEX_DH_GEX_INIT');
    const group = this.#group!;
    const asked = this.#asked!;
    const key = dhAgreement(group, 'e').generate((n) => this.context.randomBytes(n));
    const agreed = key.agree(e);
    const hostKeyBlob = this.context.hostKeyBlob;
    const H = exchangeHash(
      this.hash,
      this.context.exchangeHashPrefix,
      hostKeyBlob,
      (w) => {
        writeGroupFields(w, asked, group);
        w.string(agreed.peerValue).string(key.publicValue);
      },
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

function gexMethod(name: string, hash: HashName, legacy = false): KexMethod {
  return {
    name,
    hash,
    ...(legacy ? { legacy: true } : {}),
    client: (context) => new GexClient(hash, context),
    server: (context) => new GexServer(hash, context),
  };
}

export const dhGexSha256 = gexMethod('diffie-hellman-group-exchange-sha256', 'sha256');
/** RFC 9142 §4: SHOULD NOT; SHA-1, so not offered unless asked for. */
export const dhGexSha1 = gexMethod('diffie-hellman-group-exchange-sha1', 'sha1', true);

// A key held by an SSH agent, usable wherever a Signer is (ClientAuth.publicKey). Signing sends
// SIGN_REQUEST with the flags that pick the RSA hash (RFC 9987 §6.6.1) and checks that the agent
// signed with the algorithm asked for (OpenSSH sshconnect2.c does the same: an old agent ignoring
// the flags answers with an ssh-rsa SHA-1 signature).
import {
  base64Encode,
  type PublicKey,
  parsePublicKeyBlob,
  parseSignatureBlob,
  plainSignatureAlgorithm,
  type Signer,
} from '@sshts/keys';
import { SSHError } from '@sshts/wire';
import { AgentError } from '../errors.js';
import { type AgentIdentity, AgentSignFlags } from './agent-messages.js';

/** The SIGN_REQUEST flags for a signature algorithm (plain or certificate name). */
export function agentSignFlags(algorithm: string): number {
  const plain = plainSignatureAlgorithm(algorithm);
  if (plain === 'rsa-sha2-256') return AgentSignFlags.RSA_SHA2_256;
  if (plain === 'rsa-sha2-512') return AgentSignFlags.RSA_SHA2_512;
  return 0;
}

/** The part of AgentClient a key needs (declared here so the two files do not import each other). */
export interface AgentSignService {
  sign(blob: Uint8Array, data: Uint8Array, flags: number): Promise<Uint8Array>;
}

export class AgentKey implements Signer {
  readonly publicKey: PublicKey;
  readonly comment: string;
  private readonly agent: AgentSignService;

  constructor(agent: AgentSignService, publicKey: PublicKey, comment: string) {
    this.agent = agent;
    this.publicKey = withComment(publicKey, comment);
    this.comment = comment;
  }

  /** undefined for a key type we cannot parse (the agent may hold more kinds than we implement). */
  static fromIdentity(agent: AgentSignService, identity: AgentIdentity): AgentKey | undefined {
    let key: PublicKey;
    try {
      key = parsePublicKeyBlob(identity.blob);
    } catch (error) {
      if (error instanceof SSHError) return undefined;
      throw error;
    }
    return new AgentKey(agent, key, identity.comment);
  }

  async sign(data: Uint8Array, algorithm?: string): Promise<Uint8Array> {
    const chosen = algorithm ?? this.publicKey.signatureAlgorithms[0];
    if (chosen === undefined || !this.publicKey.signatureAlgorithms.includes(chosen)) {
      throw new TypeError(`a ${this.publicKey.type} key cannot sign with ${algorithm}`);
    }
    const signature = await this.agent.sign(this.publicKey.blob, data, agentSignFlags(chosen));
    let named: string;
    try {
      named = parseSignatureBlob(signature).algorithm;
    } catch (cause) {
      throw new AgentError('ERR_AGENT_PROTOCOL', 'the agent returned a malformed signature', { cause });
    }
    if (named !== plainSignatureAlgorithm(chosen)) {
      throw new AgentError('ERR_AGENT_PROTOCOL', `the agent signed with ${named}, not ${chosen}`);
    }
    return signature;
  }
}

/** The same key with the agent's comment (a PublicKey parsed from a blob has none). */
function withComment(key: PublicKey, comment: string): PublicKey {
  return {
    type: key.type,
    blob: key.blob,
    bits: key.bits,
    comment,
    signatureAlgorithms: key.signatureAlgorithms,
    verify: (data, signature, algorithm) => key.verify(data, signature, algorithm),
    fingerprint: (hash) => key.fingerprint(hash),
    toString: () => {
      const line = `${key.type} ${base64Encode(key.blob)}`;
      return comment === '' ? line : `${line} ${comment}`;
    },
    equals: (other) => key.equals(other),
    ...(key.certificate ? { certificate: key.certificate } : {}),
  };
}

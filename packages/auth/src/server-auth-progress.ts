// How far one user has got (RFC 4252 §5.1 partial success): the methods completed, the keys that
// completed publickey steps and their options merged (auth.c auth_activate_options), over the
// AuthenticationMethods lists; and, once a list is done, the result for the session layer.
import type { AuthorizedKeyOptions } from '@sshts/keys';
import type { MethodLists } from './server-auth-methods.js';
import type { AcceptedKey, ServerAuthResult } from './server-auth-types.js';
import { mergeKeyOptions } from './server-key-options.js';

export class AuthProgress {
  private readonly lists: MethodLists;
  private completed: string[] = [];
  private keys: AcceptedKey[] = [];
  private keyOptions: AuthorizedKeyOptions | undefined;

  constructor(lists: MethodLists) {
    this.lists = lists;
  }

  /** The method may be tried now (it is the next step of some list). */
  allows(method: string): boolean {
    return this.lists.allows(method);
  }

  /** The methods that can continue, for USERAUTH_FAILURE. */
  canContinue(): string[] {
    return this.lists.canContinue();
  }

  get completedMethods(): readonly string[] {
    return Object.freeze([...this.completed]);
  }

  get usedKeys(): readonly AcceptedKey[] {
    return this.keys;
  }

  /**
   * Records a successful step: `{ done: true }` when it completes a list. `{ conflict }` (nothing
   * recorded) when the key's options cannot hold together with earlier keys' (sshd then refuses
   * the key: "Inconsistent authentication options").
   */
  record(method: string, key: AcceptedKey | undefined): { done: boolean } | { conflict: string } {
    const options = key?.options;
    let merged = this.keyOptions;
    if (options !== undefined) {
      if (merged === undefined) merged = options;
      else {
        const m = mergeKeyOptions(merged, options);
        if ('conflict' in m) return { conflict: `inconsistent key options: ${m.conflict}` };
        merged = m.options;
      }
    }
    this.keyOptions = merged;
    this.completed.push(method);
    if (key) this.keys.push(key);
    return { done: this.lists.complete(method) };
  }

  /** A new user starts over (userChange 'reset'). */
  reset(): void {
    this.lists.reset();
    this.completed = [];
    this.keys = [];
    this.keyOptions = undefined;
  }

  result(user: string, service: string): ServerAuthResult {
    const last = this.keys.at(-1);
    return Object.freeze({
      user,
      service,
      methods: this.completedMethods,
      keys: Object.freeze([...this.keys]),
      publicKey: last?.key,
      keyOptions: this.keyOptions,
      certificate: last?.certificate,
    });
  }
}

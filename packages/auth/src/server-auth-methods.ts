// Which methods may be tried next and when the user is in (sshd AuthenticationMethods; OpenSSH
// auth2.c auth2_setup_methods_lists, auth2_method_allowed, auth2_update_methods_lists): each list
// is a sequence of methods completed in order; a method is allowed while it is the next of some
// list; completing it advances every list it heads, and emptying any list authenticates. Without
// configured lists, each enabled method alone is a list (any one method suffices).

/** The order of USERAUTH_FAILURE's name-list, as sshd's authmethods[] table (auth2.c). */
const FAILURE_ORDER = ['publickey', 'password', 'keyboard-interactive'];

export class MethodLists {
  private readonly initial: readonly (readonly string[])[];
  private lists: string[][];

  /**
   * `enabled`: the methods this server has handlers for (`none` included when it can succeed).
   * Throws TypeError for an empty list or a method that is not enabled.
   */
  constructor(enabled: ReadonlySet<string>, configured?: readonly (readonly string[])[]) {
    const lists = configured ?? [...enabled].map((m) => [m]);
    for (const list of lists) {
      if (list.length === 0) throw new TypeError('an authentication method list is empty');
      for (const method of list) {
        if (!enabled.has(method)) {
          throw new TypeError(`authentication method list names "${method}", which is not enabled`);
        }
      }
    }
    this.initial = lists.map((l) => [...l]);
    this.lists = this.initial.map((l) => [...l]);
  }

  /** auth2_method_allowed: `method` is the next step of some list. */
  allows(method: string): boolean {
    return this.lists.some((l) => l[0] === method);
  }

  /** auth2_update_methods_lists: true when `method` completed a list (the user is authenticated). */
  complete(method: string): boolean {
    let done = false;
    for (const list of this.lists) {
      if (list[0] !== method) continue;
      list.shift();
      if (list.length === 0) done = true;
    }
    return done;
  }

  /**
   * The methods that can continue (RFC 4252 §5.1), `none` never among them (§5.2): the next step
   * of every list, in sshd's order, then any other configured names.
   */
  canContinue(): string[] {
    const heads = new Set(this.lists.map((l) => l[0]).filter((m): m is string => m !== undefined));
    heads.delete('none');
    const ordered = FAILURE_ORDER.filter((m) => heads.has(m));
    return [...ordered, ...[...heads].filter((m) => !FAILURE_ORDER.includes(m))];
  }

  /** Back to the configured lists (a change of user when userChange is 'reset'). */
  reset(): void {
    this.lists = this.initial.map((l) => [...l]);
  }
}

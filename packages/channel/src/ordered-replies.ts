// Replies that must go out in the order their requests came in. Neither global-request replies
// (RFC 4254 §4) nor channel-request replies (§5.4) name the request they answer, so when handlers
// finish out of order (one waits on a listener, the next is answered at once) the replies are held
// until every earlier one has been sent.
export class OrderedReplies {
  private readonly slots: { done: boolean; send: () => void }[] = [];

  /** Reserves the next place in line for the reply `answer` will produce. */
  add<T>(answer: T | Promise<T>, send: (value: T | undefined, error?: unknown) => void): void {
    const slot = { done: false, send: () => {} };
    this.slots.push(slot);
    const settle = (value: T | undefined, error?: unknown) => {
      slot.done = true;
      slot.send = () => send(value, error);
      this.flush();
    };
    if (answer instanceof Promise)
      answer.then(
        (v) => settle(v),
        (e) => settle(undefined, e ?? 'rejected'),
      );
    else settle(answer);
  }

  private flush(): void {
    while (this.slots.length > 0 && this.slots[0]!.done) this.slots.shift()!.send();
  }
}

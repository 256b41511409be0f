// One Idempotency-Key per attempt (a booking, a move): the same request sent again after the
// network dropped carries the same key, so the server answers it once (a replay returns the
// first answer); a different request gets a new key. Kept in memory and in the local meta
// table (a reload keeps it) until the server answered.
export interface KeyStore {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

interface Held { request: string; key: string }

export class IdempotencyKeeper {
  private held: Held | null | undefined = undefined; // undefined: not read from the store yet

  constructor(private readonly store: KeyStore, private readonly name: string,
              private readonly uuid: () => string = () => globalThis.crypto.randomUUID()) {}

  /** The key for this request: the held one if it is the same request, else a new one. */
  async keyFor(request: unknown): Promise<string> {
    const signature = JSON.stringify(request);
    if (this.held === undefined) this.held = ((await this.store.get(this.name)) as Held | undefined) ?? null;
    if (this.held && this.held.request === signature) return this.held.key;
    this.held = { request: signature, key: this.uuid() };
    await this.store.put(this.name, this.held);
    return this.held.key;
  }

  /** The server answered (yes or no): the next attempt is a new one. */
  async done(): Promise<void> {
    this.held = null;
    await this.store.delete(this.name);
  }
}

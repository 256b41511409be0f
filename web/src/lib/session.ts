// Sign-in, refresh before expiry, sign-out. The access token lives only in memory; the refresh
// token is kept in IndexedDB (never a URL, a script-readable cookie or localStorage) so that a
// reload, even offline, keeps the desk signed in. Refresh tokens rotate: each is spent once.
import { signal } from "@preact/signals";
import { clearAll, db, DB_NAME, type Role, type StoredSession } from "./db";

export interface Session {
  accessToken: string | null; // null: restored offline, not refreshed yet
  expiresAt: number; // ms since epoch
  userId: string;
  role: Role;
  username: string;
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

export class SignInError extends Error {
  /** retryAfter: a 429's seconds to wait (the problem's `retry_after` or Retry-After) */
  constructor(public readonly status: number, public readonly detail: string,
              public readonly retryAfter?: number) {
    super(detail);
  }
}

/** The claims of a JWT, unverified (the services verify; the app only reads who and until when). */
export function claims(token: string): { sub: string; role: Role; exp: number } {
  const part = token.split(".")[1];
  if (!part) throw new Error("not a JWT");
  const json = atob(part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "="));
  return JSON.parse(json);
}

/** When to refresh: a minute before expiry, or at 80% of a short lifetime, never under 5 s. */
export function refreshDelay(expiresInSeconds: number): number {
  const lead = Math.min(60, expiresInSeconds * 0.2);
  return Math.max(5, expiresInSeconds - lead) * 1000;
}

export interface SessionStore {
  load(): Promise<StoredSession | undefined>;
  save(value: StoredSession): Promise<void>;
  clear(): Promise<void>;
}

const indexedStore: SessionStore = {
  load: () => db.session.get("current"),
  save: async (value) => { await db.session.put(value); },
  clear: () => clearAll(),
};

type Fetch = typeof fetch;

export class SessionManager {
  readonly current = signal<Session | null>(null);
  /** true when the server said the session is over (refresh refused): sign in again. */
  readonly expired = signal(false);
  private refreshToken: string | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inflight: Promise<boolean> | null = null;

  constructor(private readonly fetcher: Fetch = (...a) => fetch(...a),
              private readonly store: SessionStore = indexedStore,
              private readonly base = "") {}

  async signIn(username: string, password: string): Promise<Session> {
    const body = new URLSearchParams({ grant_type: "password", username, password });
    const response = await this.fetcher(`${this.base}/api/auth/token`, { method: "POST", body });
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      const wait = Number(problem.retry_after ?? response.headers?.get("retry-after") ?? NaN);
      throw new SignInError(response.status, String(problem.detail ?? response.statusText),
        Number.isFinite(wait) && wait > 0 ? wait : undefined);
    }
    return this.adopt(await response.json(), username);
  }

  /** After a reload: the stored refresh token, if any, becomes a session (refreshed when online). */
  async restore(online: boolean): Promise<Session | null> {
    const stored = await this.store.load();
    if (!stored) return null;
    this.refreshToken = stored.refresh_token;
    this.current.value = { accessToken: null, expiresAt: 0, userId: stored.user_id,
      role: stored.role, username: stored.username };
    if (online) await this.refresh();
    return this.current.value;
  }

  /** The access token to send, refreshed first when it is about to expire. */
  async token(): Promise<string | null> {
    const session = this.current.value;
    if (!session) return null;
    if (!session.accessToken || session.expiresAt - Date.now() < 5000) await this.refresh();
    return this.current.value?.accessToken ?? null;
  }

  /** One refresh at a time; false when the server refused it (the session is over) or is away.
   *  Across tabs too: each refresh token is spent once and a reused one ends the whole family,
   *  so tabs take turns (a Web Lock) and each starts from the token the last one stored. */
  refresh(): Promise<boolean> {
    this.inflight ??= this.inTurn().finally(() => { this.inflight = null; });
    return this.inflight;
  }

  private async inTurn(): Promise<boolean> {
    const locks = typeof navigator === "undefined" ? undefined : navigator.locks;
    return locks ? await locks.request(`${DB_NAME}-refresh`, () => this.doRefresh()) : this.doRefresh();
  }

  private async doRefresh(): Promise<boolean> {
    const stored = await this.store.load();
    if (stored && stored.user_id === this.current.value?.userId) this.refreshToken = stored.refresh_token;
    if (!this.refreshToken) return false;
    let response: Response;
    try {
      response = await this.fetcher(`${this.base}/api/auth/token/refresh`, {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ refresh_token: this.refreshToken }) });
    } catch {
      return false; // offline: keep the stored session, try again later
    }
    if (response.status === 401 || response.status === 400 || response.status === 403) {
      this.expired.value = true;
      return false;
    }
    if (!response.ok) return false;
    const session = this.current.value;
    await this.adopt(await response.json(), session?.username ?? "");
    return true;
  }

  async signOut(): Promise<void> {
    const token = this.current.value?.accessToken;
    if (token && this.refreshToken) {
      await this.fetcher(`${this.base}/api/auth/logout`, {
        method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ refresh_token: this.refreshToken }) }).catch(() => undefined);
    }
    this.forget();
    await this.store.clear();
  }

  private forget(): void {
    clearTimeout(this.timer);
    this.refreshToken = null;
    this.current.value = null;
    this.expired.value = false;
  }

  private async adopt(pair: TokenPair, username: string): Promise<Session> {
    const who = claims(pair.access_token);
    const session: Session = { accessToken: pair.access_token, expiresAt: Date.now() + pair.expires_in * 1000,
      userId: who.sub, role: who.role, username };
    this.refreshToken = pair.refresh_token;
    await this.store.save({ key: "current", refresh_token: pair.refresh_token, user_id: who.sub,
      role: who.role, username });
    this.current.value = session;
    this.expired.value = false;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), refreshDelay(pair.expires_in));
    return session;
  }
}

export const session = new SessionManager();

// Signing in, from the sign-in form or at once after registering, activating or resetting: a
// failure in plain words; after a form at its own path (/patient/register...) the app opens on
// the visits, not on a "page not found" of the signed-in routes.
import { signal } from "@preact/signals";
import { session, SignInError } from "../../lib/session";
import { ps, t } from "../i18n";

export const HOME = "/patient/";
export const PATHS = { register: "/patient/register", activate: "/patient/activate", reset: "/patient/reset" };

/** What the sign-in form shows when another form sends the patient to it. */
export const handoff = signal<string | null>(null);

/** A failed sign-in in words: wrong login, too many tries (with the wait), server away. */
export function signInText(error: unknown): string {
  const c = ps.account.common;
  if (!(error instanceof SignInError)) return c.unreachable;
  if (error.status === 429) return t(c.throttled, { seconds: error.retryAfter ?? 60 });
  if (error.status === 401 || error.status === 400 || error.status === 422) return ps.account.signIn.failed;
  if (error.status >= 500) return c.unreachable;
  return error.detail || t(c.unexpected, { status: error.status });
}

/** Signs in right after an account form succeeded. null: signed in (the app now shows the
 *  visits); else the sign-in form is shown with why. */
export async function enterAfter(login: string, password: string,
                                 route: (path: string) => void): Promise<void> {
  const from = location.pathname;
  history.replaceState(history.state, "", HOME);
  try {
    await session.signIn(login, password);
    handoff.value = null;
  } catch (error) {
    history.replaceState(history.state, "", from);
    handoff.value = t(ps.account.common.signedInFailed, { reason: signInText(error) });
    route(HOME);
  }
}

// Sign-out, for both apps' headers: with operations still waiting for the server it asks first
// (signing out clears this browser's store, and them with it).
import { useState } from "preact/hooks";
import { db } from "../lib/db";
import { session } from "../lib/session";

export interface SignOutWords {
  signOut: string;
  /** `{count}` operations waiting: the question */
  pending: (count: number) => string;
  stay: string;
  anyway: string;
}

export function SignOut({ words }: { words: SignOutWords }) {
  const [confirm, setConfirm] = useState<number | null>(null);

  async function signOut(force = false) {
    const waiting = await db.ops.where("state").anyOf("pending", "sending").count();
    if (waiting && !force) { setConfirm(waiting); return; }
    await session.signOut();
  }

  return (
    <>
      <button type="button" class="secondary" onClick={() => void signOut()}>{words.signOut}</button>
      {confirm !== null && (
        <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="signout-q">
          <p id="signout-q">{words.pending(confirm)}</p>
          <button type="button" onClick={() => setConfirm(null)}>{words.stay}</button>
          <button type="button" class="danger" onClick={() => void signOut(true)}>{words.anyway}</button>
        </div>
      )}
    </>
  );
}

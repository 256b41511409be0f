// A forgotten password: the reset code reception sends by SMS (auth has no route for a patient
// to ask for one alone) and a new password.
import { CodeForm } from "./CodeForm";

export function Reset() {
  return <CodeForm kind="reset" />;
}

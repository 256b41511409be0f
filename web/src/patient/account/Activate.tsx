// Activating an account reception registered: the SMS activation code and a first password.
import { CodeForm } from "./CodeForm";

export function Activate() {
  return <CodeForm kind="activate" />;
}

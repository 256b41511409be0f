// One labelled input of the account forms: its hint read with it (aria-describedby), big enough
// to tap, and the browser's autocomplete so a password manager can help.
import type { Ref } from "preact";

interface Props {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: "text" | "tel" | "email" | "password" | "time";
  autocomplete?: string;
  hint?: string;
  required?: boolean;
  invalid?: boolean;
  inputRef?: Ref<HTMLInputElement>;
  inputMode?: "tel" | "text" | "email";
  disabled?: boolean;
  /** a code read from an SMS or paper: capitals, no spelling fixes */
  code?: boolean;
}

export function Field({ id, label, value, onInput, type = "text", autocomplete, hint, required = false,
                        invalid = false, inputRef, inputMode, disabled = false, code = false }: Props) {
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <>
      <label for={id}>{label}</label>
      {hint && <p id={hintId} class="hint">{hint}</p>}
      <input id={id} ref={inputRef} type={type as "text"} value={value} required={required} disabled={disabled}
        autocomplete={autocomplete} inputMode={inputMode} aria-describedby={hintId}
        aria-invalid={invalid ? "true" : undefined}
        autocapitalize={code ? "characters" : undefined} spellcheck={code ? false : undefined}
        onInput={(e) => onInput(e.currentTarget.value)} />
    </>
  );
}

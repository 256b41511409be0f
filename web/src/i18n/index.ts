import { en } from "./en";

export const strings = en;

/** A string with `{name}` placeholders filled in. */
export function t(text: string, values: Record<string, string | number> = {}): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in values ? String(values[key]) : whole);
}

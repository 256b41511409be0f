// A dialog at the desk: labelled, modal for assistive technology, Escape closes it, the first
// field (or button) takes the focus, and the focus goes back where it was on close.
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { strings } from "../../i18n";

let seq = 0;

export function Dialog({ title, onClose, children }: {
  title: string; onClose: () => void; children: ComponentChildren;
}) {
  const box = useRef<HTMLDivElement>(null);
  const id = useRef(`desk-dialog-${++seq}`);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const first = box.current?.querySelector<HTMLElement>("input, select, textarea, button");
    first?.focus();
    const onKey = (event: KeyboardEvent) => { if (event.key === "Escape") { event.preventDefault(); onClose(); } };
    document.addEventListener("keydown", onKey);
    return () => { document.removeEventListener("keydown", onKey); before?.focus?.(); };
  }, []);
  return (
    <div class="dialog desk-dialog" role="dialog" aria-modal="true" aria-labelledby={id.current} ref={box}>
      <h2 id={id.current}>{title}</h2>
      {children}
      <button type="button" class="secondary" onClick={onClose}>{strings.app.close}</button>
    </div>
  );
}

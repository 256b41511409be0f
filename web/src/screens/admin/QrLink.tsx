// A display's link as text and as a QR code drawn on a canvas (the qrcode package, no image
// from elsewhere), to open on the waiting-room screen.
import { useEffect, useRef, useState } from "preact/hooks";
import QRCode from "qrcode";
import { strings, t } from "../../i18n";

const s = strings.admin;

/** The API answers the link as a path; the screen needs the whole address. */
export function absolute(url: string): string {
  return new URL(url, location.origin).href;
}

export function QrLink({ name, url }: { name: string; url: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState(false);
  const href = absolute(url);
  useEffect(() => {
    if (!canvas.current) return;
    QRCode.toCanvas(canvas.current, href, { width: 240, margin: 2, errorCorrectionLevel: "M" })
      .then(() => setFailed(false), () => setFailed(true));
  }, [href]);

  return (
    <div class="qr-link">
      <canvas ref={canvas} role="img" aria-label={t(s.qrFor, { name })} />
      <div>
        <p>{t(s.openOnScreen, { name })}</p>
        <a href={href} target="_blank" rel="noopener noreferrer" class="break">{href}</a>
        {failed && <p>{s.qrFailed}</p>}
      </div>
    </div>
  );
}

// Waiting-room displays: named screen links (admin), each shown as a link and a QR code;
// revoking one stops its screens at once.
import { useEffect, useState } from "preact/hooks";
import { api } from "../../api/client";
import type { components as A } from "../../api/schema/appointments";
import type { components as Q } from "../../api/schema/queue";
import { strings, t } from "../../i18n";
import { call, stamp } from "../../lib/call";
import { Alert, Busy } from "../../ui/feedback";
import { QrLink } from "./QrLink";

type Display = Q["schemas"]["NamedDisplayPublic"];
type Doctor = A["schemas"]["DoctorPublic"];
const s = strings.admin;

export function Displays() {
  const [displays, setDisplays] = useState<Display[] | null>(null);
  const [doctors, setDoctors] = useState<Doctor[]>([]);
  const [name, setName] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const [shown, setShown] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function load() {
    const got = await call(() => api.queue.GET("/api/queue/displays"));
    if (got.ok) setDisplays(got.data as Display[]); else setFailure(got.message);
  }
  useEffect(() => {
    void load();
    void call(() => api.appointments.GET("/api/appointments/doctors", { params: { query: { limit: 100 } } }))
      .then((got) => { if (got.ok) setDoctors(got.data.items.filter((d) => d.active)); else setFailure(got.message); });
  }, []);

  async function create(event: Event) {
    event.preventDefault();
    if (!chosen.length) { setFailure(s.pickDoctors); return; }
    setBusy(true); setFailure(null); setNotice(null);
    const got = await call(() => api.queue.POST("/api/queue/displays", { body: { name: name.trim(), doctor_ids: chosen } }));
    setBusy(false);
    if (!got.ok) { setFailure(got.message); return; }
    const made = got.data as Display;
    setName(""); setChosen([]); setShown(made.id); setNotice(t(s.displayCreated, { name: made.name }));
    await load();
  }

  async function revoke(display: Display) {
    setBusy(true); setFailure(null);
    const got = await call(() => api.queue.DELETE("/api/queue/displays/{display_id}", {
      params: { path: { display_id: display.id } } }));
    setBusy(false);
    if (!got.ok) { setFailure(got.message); return; }
    setNotice(t(s.displayRevoked, { name: display.name }));
    await load();
  }

  const doctorNames = (ids: string[]) => ids.map((id) => doctors.find((d) => d.id === id)?.full_name ?? id).join(", ");
  const open = displays?.find((d) => d.id === shown && d.url);

  return (
    <section aria-labelledby="displays-heading">
      <h2 id="displays-heading">{s.displaysHeading}</h2>
      <form class="panel" onSubmit={create}>
        <h3>{s.newDisplay}</h3>
        <label for="display-name">{s.displayName}</label>
        <input id="display-name" required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <fieldset>
          <legend>{s.displayDoctors}</legend>
          {doctors.map((d) => (
            <label class="check" key={d.id}>
              <input type="checkbox" checked={chosen.includes(d.id)}
                onChange={(e) => setChosen(e.currentTarget.checked ? [...chosen, d.id] : chosen.filter((x) => x !== d.id))} />
              {d.full_name}{d.room ? ` (${d.room})` : ""}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={busy}>{s.createDisplay}</button>
      </form>
      <Busy active={busy} />
      {failure && <Alert>{failure}</Alert>}
      <div aria-live="polite">{notice && <Alert kind="ok">{notice}</Alert>}</div>
      {open?.url && <QrLink name={open.name} url={open.url} />}
      {displays && displays.length === 0 && <p>{s.noDisplays}</p>}
      {displays && displays.length > 0 && (
        <table>
          <thead><tr><th scope="col">{s.displayName}</th><th scope="col">{s.displayDoctors}</th>
            <th scope="col">{s.colCreated}</th><th scope="col">{s.colActions}</th></tr></thead>
          <tbody>
            {displays.map((d) => (
              <tr key={d.id}>
                <td>{d.name}</td><td>{doctorNames(d.doctor_ids)}</td><td>{stamp(d.created_at)}</td>
                <td><div class="actions">
                  {d.url ? (<>
                    <button type="button" class="secondary" aria-pressed={shown === d.id}
                      onClick={() => setShown(d.id)}>{t(s.showQr, { name: d.name })}</button>
                    <button type="button" class="danger" disabled={busy}
                      onClick={() => void revoke(d)}>{t(s.revoke, { name: d.name })}</button>
                  </>) : t(s.revokedAt, { when: stamp(d.revoked_at) })}
                </div></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

// Calendar: the business's visits for the next 30 days, by day (the business's own days) and crew;
// "Cancel" and "Reschedule" go through the agent's own scheduling code (reminders follow).
import { useCallback, useEffect, useState } from "preact/hooks";
import { ZAppointments, ZWriteResult, type TAppointment } from "../console-schemas.ts";
import { errorText, getJson, postJson } from "./api.ts";
import { Alert, Link, Notice } from "./ui.tsx";

function groupBy<T>(xs: T[], key: (x: T) => string): [string, T[]][] {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return [...m.entries()];
}

const hhmm = (iso: string) => iso.slice(11, 16);

export function CalendarPage({ slug }: { slug: string }) {
  const [rows, setRows] = useState<TAppointment[]>();
  const [zone, setZone] = useState("");
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [moving, setMoving] = useState<string>();
  const [newStart, setNewStart] = useState("");
  const load = useCallback(() => {
    getJson(ZAppointments, `/api/admin/businesses/${encodeURIComponent(slug)}/appointments`)
      .then((r) => {
        setRows(r.appointments);
        setZone(r.timezone);
      })
      .catch((e: unknown) => setError(errorText(e)));
  }, [slug]);
  useEffect(load, [load]);
  const act = (id: string, verb: "cancel" | "reschedule", body?: unknown) => {
    setError(undefined);
    postJson(ZWriteResult, `/api/admin/appointments/${id}/${verb}`, body)
      .then((r) => {
        setNotice(r.message);
        setMoving(undefined);
        load();
      })
      .catch((e: unknown) => setError(errorText(e)));
  };
  return (
    <section>
      <h1>Calendar</h1>
      <Alert message={error} />
      <Notice message={notice} />
      {rows && rows.length === 0 ? <p>No visits booked in the next 30 days.</p> : null}
      {rows
        ? groupBy(rows, (a) => a.start.slice(0, 10)).map(([day, visits]) => (
            <section key={day} class="day" aria-label={day}>
              <h2>
                {new Date(`${day}T12:00:00`).toLocaleDateString([], { weekday: "long", month: "short", day: "numeric" })} <small>({zone})</small>
              </h2>
              <div class="crews">
                {groupBy(visits, (a) => String(a.crew)).map(([crew, list]) => (
                  <div key={crew} class="crew">
                    <h3>Crew {crew}</h3>
                    <ul>
                      {list.map((a) => (
                        <li key={a.id} class={`visit visit-${a.status}`}>
                          <strong>
                            {hhmm(a.start)}–{hhmm(a.end)}
                          </strong>{" "}
                          {a.service.name ?? a.service.key} ·{" "}
                          {a.conversationId ? (
                            <Link href={`/console/conversations/${a.conversationId}`}>{a.contact.name ?? a.contact.phone ?? "contact"}</Link>
                          ) : (
                            (a.contact.name ?? a.contact.phone)
                          )}{" "}
                          · {a.status}
                          {a.status === "booked" ? (
                            <span class="visit-actions">
                              <button type="button" class="secondary" onClick={() => act(a.id, "cancel")}>
                                Cancel
                              </button>
                              <button
                                type="button"
                                class="secondary"
                                onClick={() => {
                                  setMoving(a.id);
                                  setNewStart(a.start.slice(0, 16));
                                }}
                              >
                                Reschedule
                              </button>
                            </span>
                          ) : null}
                          {moving === a.id ? (
                            <form
                              class="move"
                              onSubmit={(e) => {
                                e.preventDefault();
                                act(a.id, "reschedule", { start: newStart });
                              }}
                            >
                              <label>
                                New time{" "}
                                <input type="datetime-local" value={newStart} onInput={(e) => setNewStart((e.currentTarget as HTMLInputElement).value)} />
                              </label>
                              <button type="submit">Move</button>
                            </form>
                          ) : null}
                        </li>
                      ))}
                    </ul>
                  </div>
                ))}
              </div>
            </section>
          ))
        : null}
    </section>
  );
}

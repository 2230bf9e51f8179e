// The console's frame: who is signed in, the business being looked at ("Business" combobox, for
// the operator), the navigation landmark, sign-out, and the page the path names.
import { useEffect, useState } from "preact/hooks";
import { ZMe, type TMe } from "../console-schemas.ts";
import { errorText, getJson } from "./api.ts";
import { usePath } from "./router.ts";
import { Alert, Link } from "./ui.tsx";
import { InboxPage } from "./inbox-page.tsx";
import { ConversationPage } from "./conversation-page.tsx";
import { ReportsPage } from "./reports-page.tsx";
import { CalendarPage } from "./calendar-page.tsx";
import { PromptsPage } from "./prompts-page.tsx";
import { CampaignsPage } from "./campaigns-page.tsx";
import { SequencesPage } from "./sequences-page.tsx";

const NAV = [
  ["Inbox", "/console"],
  ["Calendar", "/console/calendar"],
  ["Reports", "/console/reports"],
  ["Prompts", "/console/prompts"],
  ["Campaigns", "/console/campaigns"],
  ["Sequences", "/console/sequences"],
] as const;

const PICKED = "leadline-console-business";

function section(path: string): string {
  if (path === "/console" || path === "/console/" || path.startsWith("/console/conversations")) return "/console";
  return NAV.find(([, href]) => href !== "/console" && path.startsWith(href))?.[1] ?? "";
}

export function App() {
  const path = usePath();
  const [me, setMe] = useState<TMe>();
  const [error, setError] = useState<string>();
  const [slug, setSlug] = useState<string>();

  useEffect(() => {
    const start = (m: TMe) => {
      setMe(m);
      const saved = sessionStorage.getItem(PICKED);
      setSlug(m.businesses.find((b) => b.slug === saved)?.slug ?? m.businesses[0]?.slug);
    };
    // the server puts who is signed in into the page; the API answers the same when it does not
    const inline = ZMe.safeParse(JSON.parse(document.getElementById("app")?.dataset.me ?? "null"));
    if (inline.success) return start(inline.data);
    getJson(ZMe, "/api/admin/me")
      .then(start)
      .catch((e: unknown) => setError(errorText(e)));
  }, []);

  const pick = (s: string) => {
    sessionStorage.setItem(PICKED, s);
    setSlug(s);
  };
  const current = section(path);
  const business = me?.businesses.find((b) => b.slug === slug);

  return (
    <div class="shell">
      <header class="top">
        <span class="brand">Leadline</span>
        {me?.kind === "operator" ? (
          <label class="business">
            <span>Business</span>
            <select aria-label="Business" value={slug} onChange={(e) => pick((e.currentTarget as HTMLSelectElement).value)}>
              {me.businesses.map((b) => (
                <option key={b.slug} value={b.slug}>
                  {b.name}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <span class="business-name">{business?.name}</span>
        )}
        <form method="post" action="/console/sign-out" class="sign-out">
          <button type="submit">Sign out</button>
        </form>
      </header>
      <nav aria-label="Console">
        {NAV.map(([name, href]) => (
          <Link key={href} href={href} current={current === href}>
            {name}
          </Link>
        ))}
      </nav>
      <main>
        <Alert message={error} />
        {me && me.businesses.length === 0 ? <p>No business yet: apply one with `npm run cli -- business apply FILE`.</p> : null}
        {me ? <Page path={path} slug={slug} /> : null}
      </main>
    </div>
  );
}

function Page({ path, slug }: { path: string; slug: string | undefined }) {
  const conv = /^\/console\/conversations\/([^/]+)\/?$/.exec(path);
  if (conv?.[1]) return <ConversationPage id={conv[1]} />;
  if (!slug) return null;
  switch (section(path)) {
    case "/console":
      return <InboxPage slug={slug} />;
    case "/console/reports":
      return <ReportsPage slug={slug} />;
    case "/console/calendar":
      return <CalendarPage slug={slug} />;
    case "/console/prompts":
      return <PromptsPage slug={slug} />;
    case "/console/campaigns":
      return <CampaignsPage slug={slug} />;
    case "/console/sequences":
      return <SequencesPage slug={slug} />;
    default:
      return <h1>Page not found</h1>;
  }
}

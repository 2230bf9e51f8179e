// Client-side routes under /console: history.pushState plus one event the app listens to.
import { useEffect, useState } from "preact/hooks";

const EVENT = "console:navigate";

export function navigate(path: string): void {
  if (path === window.location.pathname + window.location.search) return;
  window.history.pushState(null, "", path);
  window.dispatchEvent(new Event(EVENT));
}

export function usePath(): string {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const on = () => setPath(window.location.pathname);
    window.addEventListener(EVENT, on);
    window.addEventListener("popstate", on);
    return () => {
      window.removeEventListener(EVENT, on);
      window.removeEventListener("popstate", on);
    };
  }, []);
  return path;
}

/** a same-app link click goes through the router (ctrl/cmd-click still opens a tab) */
export function onLinkClick(e: MouseEvent): void {
  const a = (e.currentTarget as HTMLAnchorElement | null) ?? null;
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(a.getAttribute("href") ?? "/console");
}

// The console's sign-in page (server-rendered: it works before any script loads). The token field
// is a masked text box so it keeps the "Admin token" textbox role; it posts to /console/sign-in
// (a form body, never a URL).
import { escapeHtml } from "../lib/escape-html.ts";

export function signInPage(error?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Leadline console</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
main{max-width:24rem;margin:12vh auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin:0 0 1rem}
label{display:block;font-weight:600;margin:.5rem 0 .25rem}
input{font:inherit;width:100%;box-sizing:border-box;padding:.6rem;border:1px solid #99a;border-radius:8px;-webkit-text-security:disc}
button{font:inherit;margin-top:1rem;width:100%;padding:.6rem;border:0;border-radius:8px;background:#1f5eff;color:#fff;font-weight:600;cursor:pointer}
[role=alert]{color:#a0001a;background:#fde8ec;padding:.5rem .75rem;border-radius:8px}
p.hint{color:#556;font-size:.9rem}
</style></head><body>
<main>
<h1>Leadline console</h1>
${error ? `<p role="alert">${escapeHtml(error)}</p>\n` : ""}<form method="post" action="/console/sign-in">
<label for="token">Admin token</label>
<input id="token" name="token" type="text" autocomplete="off" autocapitalize="off" spellcheck="false" required autofocus>
<button type="submit">Sign in</button>
</form>
<p class="hint">The operator token (ADMIN_TOKEN) or a business's own (<code>npm run cli -- token create SLUG</code>).</p>
</main>
</body></html>
`;
}

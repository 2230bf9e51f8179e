/*! Leadline web chat widget. Embed:
 *  <script src="https://YOUR-LEADLINE/widget.js" data-business="your-slug" async></script>
 * Optional: data-color="#1a56db". Served verbatim; plain ES2019, no dependencies. */
(function () {
  "use strict";
  const w = window;
  const d = document;
  const script = d.currentScript || d.querySelector('script[data-business][src*="widget.js"]');
  const slug = script && script.getAttribute("data-business");
  if (!slug || !script.src) return;
  const base = new URL(script.src, location.href).origin;
  const enc = encodeURIComponent;

  const L = (w.Leadline = w.Leadline || {});
  L.widgets = L.widgets || {};
  if (L.widgets[slug]) return; // the snippet was pasted twice

  const KEY = "leadline:" + slug;
  const TOUCH = KEY + ":touch";
  const SEEN = KEY + ":seen";
  const MAX = 1000;

  // ---- storage (may be blocked: private mode, sandboxed iframes) ----
  function load(k, area) {
    try {
      const v = w[area || "localStorage"].getItem(k);
      return v ? JSON.parse(v) : null;
    } catch (e) {
      return null;
    }
  }
  function save(k, v, area) {
    try {
      const s = w[area || "localStorage"];
      if (v == null) s.removeItem(k);
      else s.setItem(k, JSON.stringify(v));
    } catch (e) {
      /* memory only */
    }
  }

  // ---- attribution: the page the visitor landed on in this tab ----
  function touch() {
    const p = new URL(location.href).searchParams;
    const t = { landingPage: location.href, utm: {} };
    if (d.referrer) t.referrer = d.referrer;
    ["source", "medium", "campaign", "term", "content"].forEach((k) => {
      const v = p.get("utm_" + k);
      if (v) t.utm[k] = v;
    });
    ["gclid", "fbclid", "msclkid"].forEach((k) => {
      const v = p.get(k);
      if (v) t[k] = v;
    });
    return t;
  }
  if (!load(KEY) && !load(TOUCH, "sessionStorage")) save(TOUCH, touch(), "sessionStorage");

  function uuid() {
    const c = w.crypto;
    try {
      if (c && c.randomUUID) return c.randomUUID();
    } catch (e) {
      /* insecure context */
    }
    const b = new Uint8Array(16);
    if (c && c.getRandomValues) c.getRandomValues(b);
    else for (let i = 0; i < 16; i++) b[i] = (Math.random() * 256) | 0;
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    const s = Array.from(b, (x) => (x + 256).toString(16).slice(1)).join("");
    return [s.slice(0, 8), s.slice(8, 12), s.slice(12, 16), s.slice(16, 20), s.slice(20)].join("-");
  }
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  // ---- DOM helper: text only, never HTML ----
  function h(tag, props, kids) {
    const el = d.createElement(tag);
    Object.keys(props || {}).forEach((k) => {
      const v = props[k];
      if (v == null || v === false) return;
      if (k === "text") el.textContent = v;
      else if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : v);
    });
    (kids || []).forEach((c) => c && el.appendChild(c));
    return el;
  }
  function svg(path) {
    const s = d.createElementNS("http://www.w3.org/2000/svg", "svg");
    s.setAttribute("viewBox", "0 0 24 24");
    s.setAttribute("aria-hidden", "true");
    const p = d.createElementNS("http://www.w3.org/2000/svg", "path");
    p.setAttribute("d", path);
    s.appendChild(p);
    return s;
  }

  const color = /^#[0-9a-f]{3,8}$/i.test(script.getAttribute("data-color") || "") ? script.getAttribute("data-color") : "#1a56db";
  const CSS =
    ":host{all:initial}" +
    ".ll-root{all:initial;font:15px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2328;--ll-c:" +
    color +
    "}" +
    ".ll-root *{box-sizing:border-box;font:inherit;color:inherit;margin:0;letter-spacing:normal;text-transform:none}" +
    ".ll-root [hidden]{display:none!important}" +
    ".ll-bubble{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:60px;height:60px;border-radius:50%;border:0;padding:0;background:var(--ll-c);color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.28);display:flex;align-items:center;justify-content:center}" +
    ".ll-bubble svg{width:28px;height:28px;fill:#fff}" +
    ".ll-bubble:focus-visible,.ll-x:focus-visible,.ll-btn:focus-visible,.ll-link:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}" +
    ".ll-badge{position:absolute;top:-3px;right:-3px;min-width:20px;height:20px;padding:0 5px;border-radius:10px;background:#d1242f;color:#fff;font-size:12px;line-height:20px;text-align:center}" +
    ".ll-panel{position:fixed;right:20px;bottom:92px;z-index:2147483001;width:370px;max-width:calc(100vw - 40px);height:600px;max-height:calc(100vh - 112px);background:#fff;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden}" +
    ".ll-head{display:flex;align-items:center;gap:8px;padding:12px 8px 12px 16px;background:var(--ll-c);color:#fff}" +
    ".ll-title{flex:1;font-weight:600;font-size:16px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}" +
    ".ll-x{background:none;border:0;color:#fff;font-size:26px;line-height:1;cursor:pointer;padding:2px 10px;border-radius:8px}" +
    ".ll-status{font-size:12px;color:#57606a;background:#fff8c5;padding:4px 16px}" +
    ".ll-scroll{flex:1;overflow-y:auto;padding:16px;background:#f6f8fa}" +
    ".ll-log{display:flex;flex-direction:column;gap:8px}" +
    ".ll-msg{max-width:80%;padding:8px 12px;border-radius:16px;white-space:pre-wrap;overflow-wrap:anywhere}" +
    ".ll-them{align-self:flex-start;background:#fff;border:1px solid #d0d7de;border-bottom-left-radius:4px}" +
    ".ll-me{align-self:flex-end;background:var(--ll-c);color:#fff;border-bottom-right-radius:4px}" +
    ".ll-note{align-self:center;max-width:90%;font-size:13px;color:#57606a;text-align:center}" +
    ".ll-pending{opacity:.65}" +
    ".ll-failed{background:#d1242f}" +
    ".ll-retry{align-self:flex-end;background:none;border:0;padding:0;color:#d1242f;font-size:12px;text-decoration:underline;cursor:pointer}" +
    ".ll-typing{display:flex;gap:4px;width:max-content;margin-top:8px;padding:12px 14px;background:#fff;border:1px solid #d0d7de;border-radius:16px;border-bottom-left-radius:4px}" +
    ".ll-typing span{width:7px;height:7px;border-radius:50%;background:#8c959f;animation:ll-b 1.2s infinite}" +
    ".ll-typing span:nth-child(2){animation-delay:.2s}.ll-typing span:nth-child(3){animation-delay:.4s}" +
    "@keyframes ll-b{0%,60%,100%{transform:none;opacity:.5}30%{transform:translateY(-4px);opacity:1}}" +
    ".ll-notice{font-size:13px;color:#7d4e00;background:#fff1e5;padding:6px 16px}" +
    ".ll-compose{display:flex;gap:8px;align-items:flex-end;padding:10px;border-top:1px solid #d0d7de}" +
    ".ll-input,.ll-field{border:1px solid #afb8c1;border-radius:10px;padding:8px 10px;background:#fff;font-size:16px;width:100%}" +
    ".ll-input{flex:1;resize:none;min-height:40px;max-height:120px}" +
    ".ll-input:focus,.ll-field:focus{outline:2px solid var(--ll-c);outline-offset:-1px}" +
    ".ll-btn{flex:none;height:40px;padding:0 16px;border:0;border-radius:10px;background:var(--ll-c);color:#fff;font-weight:600;cursor:pointer}" +
    ".ll-btn:disabled{opacity:.45;cursor:not-allowed}" +
    ".ll-btn2{background:#eaeef2;color:#1f2328}" +
    ".ll-link{align-self:flex-start;background:none;border:0;padding:0 12px 10px;color:var(--ll-c);font-size:13px;text-decoration:underline;cursor:pointer}" +
    ".ll-sms{display:flex;flex-direction:column;gap:8px;padding:12px 16px;border-top:1px solid #d0d7de}" +
    ".ll-sms b{font-weight:600}" +
    ".ll-lbl{display:flex;flex-direction:column;gap:2px;font-size:13px;color:#57606a}" +
    ".ll-check{display:flex;gap:8px;align-items:flex-start;font-size:12px;color:#57606a}" +
    ".ll-check input{margin-top:2px;flex:none;width:16px;height:16px}" +
    ".ll-err{color:#d1242f;font-size:13px}" +
    ".ll-row{display:flex;gap:8px;justify-content:flex-end}" +
    "@media (max-width:479px){.ll-panel{top:0;left:0;right:0;bottom:0;width:100%;max-width:none;height:100%;max-height:none;border-radius:0}.ll-open .ll-bubble{display:none}}" +
    "@media (prefers-reduced-motion:reduce){.ll-typing span{animation:none}}";

  // ---- state ----
  let session = load(KEY);
  if (session && !(session.sessionId && session.token)) session = null;
  let creating = null;
  let known = {}; // message ids already shown
  const pending = {}; // clientId -> optimistic bubble
  let isOpen = false;
  let es = null;
  let esTries = 0;
  let esTimer = 0;
  let typingTimer = 0;
  let noticeTimer = 0;
  let lastAt = 0;
  let unread = 0;
  let greetingEl = null;

  // ---- build the UI ----
  const host = h("div", { "data-leadline": slug, style: "all:initial" });
  let root;
  if (host.attachShadow) {
    root = host.attachShadow({ mode: "open" });
  } else {
    root = host; // old browsers: prefixed classes + all:initial on .ll-root
  }
  const wrap = h("div", { class: "ll-root" });
  const badge = h("span", { class: "ll-badge", hidden: true, "aria-hidden": "true" });
  const bubbleBtn = h(
    "button",
    {
      type: "button",
      class: "ll-bubble",
      "aria-label": "Open chat",
      "aria-expanded": "false",
      "aria-haspopup": "dialog",
      onclick: () => (isOpen ? close() : open()),
    },
    [svg("M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"), badge],
  );
  const title = h("div", { class: "ll-title", text: "Chat" });
  const status = h("div", { class: "ll-status", role: "status", hidden: true });
  const log = h("div", { class: "ll-log", role: "log", "aria-live": "polite", "aria-label": "Messages" });
  const typing = h("div", { class: "ll-typing", role: "status", "aria-label": "typing", hidden: true }, [h("span"), h("span"), h("span")]);
  const scroller = h("div", { class: "ll-scroll" }, [log, typing]);
  const notice = h("div", { class: "ll-notice", role: "alert", hidden: true });
  const ta = h("textarea", { class: "ll-input", rows: "1", maxlength: String(MAX), "aria-label": "Type your message", placeholder: "Type your message…" });
  const sendBtn = h("button", { type: "submit", class: "ll-btn", text: "Send" });
  const compose = h("form", { class: "ll-compose", onsubmit: (e) => (e.preventDefault(), send()) }, [ta, sendBtn]);
  const smsLink = h("button", { type: "button", class: "ll-link", text: "Text me instead", onclick: () => showSms(true) });

  const smsName = h("input", { class: "ll-field", name: "name", type: "text", autocomplete: "name", required: true, maxlength: "100" });
  const smsPhone = h("input", {
    class: "ll-field",
    name: "phone",
    type: "tel",
    autocomplete: "tel",
    inputmode: "tel",
    required: true,
    maxlength: "30",
    placeholder: "(555) 555-5555",
  });
  const consentBox = h("input", { type: "checkbox", name: "consent" });
  const consentText = h("span");
  const smsErr = h("p", { class: "ll-err", role: "alert", hidden: true });
  const smsSubmit = h("button", { type: "submit", class: "ll-btn", text: "Text me", disabled: true });
  const smsForm = h("form", { class: "ll-sms", hidden: true, "aria-label": "Text me instead", onsubmit: (e) => (e.preventDefault(), submitSms()) }, [
    h("b", { text: "Text me instead" }),
    h("label", { class: "ll-lbl" }, [h("span", { text: "Name" }), smsName]),
    h("label", { class: "ll-lbl" }, [h("span", { text: "Mobile number" }), smsPhone]),
    h("label", { class: "ll-check" }, [consentBox, consentText]),
    smsErr,
    h("div", { class: "ll-row" }, [h("button", { type: "button", class: "ll-btn ll-btn2", text: "Cancel", onclick: () => showSms(false) }), smsSubmit]),
  ]);
  consentBox.addEventListener("change", () => (smsSubmit.disabled = !consentBox.checked));

  // step two: the code we texted (typed here, or texted back as the whole reply)
  const codeHint = h("p", { id: "ll-code-hint", class: "ll-lbl" });
  const codeInput = h("input", {
    class: "ll-field",
    name: "code",
    type: "text",
    inputmode: "numeric",
    autocomplete: "one-time-code",
    pattern: "[0-9]{6}",
    maxlength: "6",
    required: true,
    "aria-describedby": "ll-code-hint",
  });
  const codeErr = h("p", { class: "ll-err", role: "alert", hidden: true });
  const codeSubmit = h("button", { type: "submit", class: "ll-btn", text: "Confirm" });
  const codeForm = h("form", { class: "ll-sms", hidden: true, "aria-label": "Enter the code we texted", onsubmit: (e) => (e.preventDefault(), submitCode()) }, [
    h("b", { text: "Enter the code we texted" }),
    codeHint,
    h("label", { class: "ll-lbl" }, [h("span", { text: "Code" }), codeInput]),
    codeErr,
    h("div", { class: "ll-row" }, [h("button", { type: "button", class: "ll-btn ll-btn2", text: "Cancel", onclick: () => showSms(false) }), codeSubmit]),
  ]);

  const panel = h("div", { class: "ll-panel", role: "dialog", "aria-label": "Chat", hidden: true }, [
    h("div", { class: "ll-head" }, [title, h("button", { type: "button", class: "ll-x", "aria-label": "Close chat", text: "×", onclick: () => close() })]),
    status,
    scroller,
    notice,
    smsForm,
    codeForm,
    compose,
    smsLink,
  ]);
  wrap.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && isOpen) {
      e.stopPropagation();
      close();
    }
  });
  ta.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  });
  ta.addEventListener("input", () => {
    ta.style.height = "auto";
    ta.style.height = Math.min(ta.scrollHeight + 2, 120) + "px";
  });

  const style = h("style", { text: CSS });
  if (root === host) wrap.appendChild(style);
  else root.appendChild(style);
  wrap.appendChild(panel);
  wrap.appendChild(bubbleBtn);
  root.appendChild(wrap);

  // ---- rendering ----
  function scrollDown() {
    scroller.scrollTop = scroller.scrollHeight;
  }
  function bubble(author, text) {
    // note: local, not a server message; system: the server's own lines ("We'll continue by text…")
    const cls = author === "contact" ? "ll-me" : author === "note" || author === "system" ? "ll-note" : "ll-them";
    const el = h("div", { class: "ll-msg " + cls, "data-author": author, text: text });
    log.appendChild(el);
    scrollDown();
    return el;
  }
  function setStatus(text) {
    status.textContent = text;
    status.hidden = !text;
  }
  function say(text) {
    clearTimeout(noticeTimer);
    notice.textContent = text;
    notice.hidden = !text;
    if (text) noticeTimer = setTimeout(() => say(""), 8000);
  }
  function setTyping(on) {
    clearTimeout(typingTimer);
    typing.hidden = !on;
    if (on) {
      typingTimer = setTimeout(() => setTyping(false), 20000);
      scrollDown();
    }
  }
  function setUnread(n) {
    unread = n;
    badge.textContent = n > 9 ? "9+" : String(n);
    badge.hidden = !n;
    bubbleBtn.setAttribute("aria-label", n ? "Open chat (" + n + " new)" : "Open chat");
  }
  function markSeen() {
    if (lastAt > (load(SEEN) || 0)) save(SEEN, lastAt);
  }
  function showSession() {
    const name = session.businessName || "us";
    title.textContent = session.businessName || "Chat";
    panel.setAttribute("aria-label", "Chat with " + name);
    consentText.textContent = "I agree to receive text messages from " + name + " about my request. Msg & data rates may apply. Reply STOP to opt out.";
    if (!greetingEl && session.greeting) {
      greetingEl = h("div", { class: "ll-msg ll-them", "data-author": "greeting", text: session.greeting });
      log.insertBefore(greetingEl, log.firstChild);
    }
  }

  // ---- HTTP ----
  async function post(path, body, token) {
    const headers = { "Content-Type": "application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    const r = await fetch(base + path, { method: "POST", mode: "cors", credentials: "omit", headers: headers, body: JSON.stringify(body) });
    let j = {};
    try {
      j = (await r.json()) || {};
    } catch (e) {
      /* not JSON */
    }
    return { status: r.status, body: j };
  }
  const gone = (r) => r.status === 401 || r.status === 404;

  function ensureSession() {
    if (session) return Promise.resolve(session);
    if (!creating) {
      creating = (async () => {
        const r = await post("/api/chat/" + enc(slug) + "/sessions", load(TOUCH, "sessionStorage") || touch());
        if (r.status !== 201 && r.status !== 200) {
          const err = new Error(r.body.error || "HTTP " + r.status);
          err.status = r.status;
          throw err;
        }
        const b = r.body;
        session = { sessionId: b.sessionId, token: b.token, greeting: b.greeting, businessName: b.businessName };
        save(KEY, session);
        save(TOUCH, null, "sessionStorage");
        showSession();
        connect();
        return session;
      })();
      creating.then(
        () => (creating = null),
        () => (creating = null),
      );
    }
    return creating;
  }
  /** The stored session was refused: forget it and everything shown for it. */
  function dropSession(s) {
    if (s && session !== s) return;
    session = null;
    save(KEY, null);
    disconnect();
    known = {};
    greetingEl = null;
    while (log.firstChild) log.removeChild(log.firstChild);
    setTyping(false);
    setUnread(0);
  }
  /** POST with the session's token; a refused session is replaced once and the call repeated. */
  async function withSession(call) {
    for (let i = 0; ; i++) {
      const s = await ensureSession();
      const r = await call(s);
      if (gone(r) && i === 0) {
        dropSession(s);
        continue;
      }
      return r;
    }
  }

  // ---- live events ----
  function disconnect() {
    clearTimeout(esTimer);
    if (es) es.close();
    es = null;
  }
  function connect() {
    disconnect();
    if (!session || !w.EventSource) return;
    const s = session;
    const url = base + "/api/chat/sessions/" + enc(s.sessionId) + "/events?token=" + enc(s.token);
    const src = (es = new EventSource(url));
    esTimer = setTimeout(() => src.readyState !== 1 && setStatus("Connecting…"), 1500);
    src.onopen = () => {
      esTries = 0;
      clearTimeout(esTimer);
      setStatus("");
    };
    src.onerror = () => {
      if (es !== src) return;
      setStatus("Reconnecting…");
      if (src.readyState !== 2) return; // CONNECTING: the browser retries by itself
      src.close();
      es = null;
      probe(url).then((refused) => {
        if (session !== s) return;
        if (refused) {
          dropSession(s);
          setStatus("");
          if (isOpen) ensureSession().catch(failed);
          return;
        }
        const delay = Math.min(30000, 1000 * Math.pow(2, esTries++)) + Math.random() * 500;
        esTimer = setTimeout(connect, delay);
      });
    };
    src.addEventListener("message", onEvent);
  }
  /** EventSource hides the status; ask once whether the session itself is refused. */
  async function probe(url) {
    const ac = w.AbortController ? new AbortController() : null;
    try {
      const r = await fetch(url, { signal: ac ? ac.signal : undefined, credentials: "omit" });
      if (ac) ac.abort();
      return gone(r);
    } catch (e) {
      return false;
    }
  }
  function onEvent(e) {
    let m;
    try {
      m = JSON.parse(e.data);
    } catch (x) {
      return;
    }
    const id = m.id || e.lastEventId;
    if (!id || known[id] || typeof m.text !== "string") return;
    known[id] = 1;
    const at = Date.parse(m.at) || 0;
    if (at > lastAt) lastAt = at;
    const mine = m.clientId && pending[m.clientId];
    if (mine) {
      delete pending[m.clientId];
      mine.classList.remove("ll-pending", "ll-failed");
      mine.setAttribute("data-id", id);
      if (mine._retry) mine._retry.remove();
    } else {
      bubble(m.author, m.text).setAttribute("data-id", id);
    }
    if (m.author === "system" && !codeForm.hidden) showSms(false); // proven by a reply to our text
    if (m.author !== "contact") {
      setTyping(false);
      if (!isOpen && at > (load(SEEN) || 0)) setUnread(unread + 1);
    }
    if (isOpen) markSeen();
  }

  // ---- sending ----
  function send() {
    const text = ta.value.trim();
    if (!text) return;
    if (text.length > MAX) return say("Messages can be up to " + MAX + " characters.");
    ta.value = "";
    ta.style.height = "";
    say("");
    const cid = uuid();
    const el = bubble("contact", text);
    el.classList.add("ll-pending");
    pending[cid] = el;
    setTyping(true);
    deliver(text, cid, el);
  }
  async function deliver(text, cid, el) {
    let r;
    try {
      r = await withSession(async (s) => {
        for (let n = 0; ; n++) {
          try {
            const res = await post("/api/chat/sessions/" + enc(s.sessionId) + "/messages", { text: text, clientId: cid }, s.token);
            if (res.status < 500 || n >= 3) return res;
          } catch (e) {
            if (n >= 3) throw e;
          }
          await sleep(600 * Math.pow(2, n)); // same clientId: the server stores it once
        }
      });
    } catch (e) {
      r = { status: 0, body: {} };
    }
    if (!el.isConnected) log.appendChild(el); // the session was replaced meanwhile
    if (r.status >= 200 && r.status < 300) {
      if (pending[cid]) el.classList.remove("ll-pending");
      return;
    }
    setTyping(false);
    if (r.status === 429 || r.status === 400) {
      delete pending[cid];
      el.remove();
      if (!ta.value) ta.value = text;
      return say(r.status === 429 ? "You're sending messages too fast. Please wait a moment and try again." : r.body.error || "That message couldn't be sent.");
    }
    el.classList.remove("ll-pending");
    el.classList.add("ll-failed");
    if (!el._retry) {
      el._retry = h("button", {
        type: "button",
        class: "ll-retry",
        text: "Not sent. Retry",
        onclick: () => {
          el._retry.remove();
          el._retry = null;
          el.classList.remove("ll-failed");
          el.classList.add("ll-pending");
          setTyping(true);
          deliver(text, cid, el);
        },
      });
      el.after(el._retry);
    }
    if (r.status === 0) say("We couldn't reach the chat service. Check your connection and retry.");
  }

  // ---- "Text me instead" ----
  function showSms(on) {
    smsForm.hidden = !on;
    codeForm.hidden = true;
    compose.hidden = on;
    smsLink.hidden = on;
    smsErr.hidden = true;
    if (on) {
      ensureSession().catch(failed);
      smsName.focus();
    } else ta.focus();
  }
  async function submitSms() {
    if (!consentBox.checked) return;
    const name = smsName.value.trim();
    const phone = smsPhone.value.trim();
    smsSubmit.disabled = true;
    smsErr.hidden = true;
    let r;
    try {
      r = await withSession((s) =>
        post("/api/chat/sessions/" + enc(s.sessionId) + "/sms", { name: name, phone: phone, consent: true, consentText: consentText.textContent }, s.token),
      );
    } catch (e) {
      r = { status: 0, body: { error: "We couldn't reach the chat service. Please try again." } };
    }
    smsSubmit.disabled = !consentBox.checked;
    if (r.status >= 200 && r.status < 300) {
      consentBox.checked = false;
      smsSubmit.disabled = true;
      showCode(r.body.phone || phone, r.body.hint);
      return;
    }
    smsErr.textContent = r.status === 429 ? "Too many attempts. Please wait a moment." : r.body.error || "Something went wrong. Please try again.";
    smsErr.hidden = false;
  }
  function showCode(shownPhone, hint) {
    smsForm.hidden = true;
    codeForm.hidden = false;
    codeErr.hidden = true;
    codeInput.value = "";
    codeHint.textContent =
      "We texted a 6-digit code to " + shownPhone + ". Enter it here, or reply to that text with just the code." + (hint ? " " + hint : "");
    codeInput.focus();
  }
  async function submitCode() {
    const code = codeInput.value.replace(/\D/g, "");
    if (code.length !== 6) {
      codeErr.textContent = "Please enter the 6 digits we texted.";
      codeErr.hidden = false;
      return;
    }
    codeSubmit.disabled = true;
    codeErr.hidden = true;
    let r;
    try {
      r = await withSession((s) => post("/api/chat/sessions/" + enc(s.sessionId) + "/sms/verify", { code: code }, s.token));
    } catch (e) {
      r = { status: 0, body: { error: "We couldn't reach the chat service. Please try again." } };
    }
    codeSubmit.disabled = false;
    if (r.status >= 200 && r.status < 300) {
      showSms(false); // the chat says "We'll continue by text…" itself
      return;
    }
    if (r.status === 429) {
      showSms(true);
      smsErr.textContent = "Too many wrong codes. Please ask for a new text.";
      smsErr.hidden = false;
      return;
    }
    codeErr.textContent = String(r.body.error || "Something went wrong. Please try again.").replace(/^code: /, "");
    codeErr.hidden = false;
    codeInput.select();
  }

  // ---- open / close ----
  function failed(e) {
    if (e && e.status === 403) say("Chat isn't available on this website.");
    else say("We couldn't start the chat. Please try again in a moment.");
  }
  function open() {
    if (isOpen) return;
    isOpen = true;
    panel.hidden = false;
    wrap.classList.add("ll-open");
    bubbleBtn.setAttribute("aria-expanded", "true");
    setUnread(0);
    markSeen();
    if (session && !es) connect();
    ensureSession().catch(failed);
    scrollDown();
    ta.focus();
  }
  function close() {
    if (!isOpen) return;
    isOpen = false;
    panel.hidden = true;
    wrap.classList.remove("ll-open");
    bubbleBtn.setAttribute("aria-expanded", "false");
    bubbleBtn.focus();
  }

  function mount() {
    d.body.appendChild(host);
    if (session) {
      showSession();
      connect(); // history and replies arrive even while the panel is closed (unread badge)
    }
  }
  L.widgets[slug] = { open: open, close: close, session: () => session };
  if (!L.open) {
    L.open = open;
    L.close = close;
  }
  if (d.body) mount();
  else d.addEventListener("DOMContentLoaded", mount);
})();

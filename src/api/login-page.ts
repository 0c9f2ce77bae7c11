/**
 * The page a browser gets for a sign-in link that no longer works (used, expired or mangled).
 * A person clicking an old link from their terminal history must see what happened and what to
 * do, in the sign-in page's own look, not an API error body; API clients still get the JSON
 * error (content negotiation on Accept). Self-contained: the daemon serves it even when the
 * dashboard is not built, and its one inline style is allowed by hash, nothing else.
 */
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/** The dashboard's theme colours (web/src/styles/theme.css), light and dark by the system. */
const STYLE = `:root{color-scheme:light dark;--bg:light-dark(#f6f7f9,#0d1117);--surface:light-dark(#fff,#161b22);--surface-2:light-dark(#eef0f3,#21262d);--border:light-dark(#d5d9e0,#30363d);--text:light-dark(#1b1f24,#e6edf3);--muted:light-dark(#57606a,#9198a1);--accent:light-dark(#0b5fcc,#4493f8)}
*{box-sizing:border-box}
html,body{margin:0;background:var(--bg);color:var(--text);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
a{color:var(--accent)}
code,pre{font-family:ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.92em}
.signin{max-width:640px;margin:48px auto;padding:24px;background:var(--surface);border:1px solid var(--border);border-radius:8px}
.signin>:first-child{margin-top:0}
.code{background:var(--surface-2);padding:8px 12px;border-radius:6px;overflow-x:auto}
.muted{color:var(--muted)}
@media (max-width:600px){.signin{margin:8px}}`;

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/** Only the page's own style; no script, no other source. */
export const LOGIN_PAGE_CSP = `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;

/** The "this link no longer works" page (static text: nothing from the request is echoed). */
export const LINK_REFUSED_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Sign-in link expired or used · Flotilla</title>
<style>${STYLE}</style>
</head>
<body>
<main class="signin" id="main">
<h1>This sign-in link no longer works</h1>
<p>Each sign-in link works once, within a minute of being made. This one has expired or was already used (or was copied incompletely).</p>
<p>For a new link, run this in a terminal on the machine where Flotilla runs:</p>
<pre class="code">flotilla web</pre>
<p>It prints a fresh single-use link; <code>flotilla web --open</code> opens it in your browser.</p>
<p class="muted">Already signed in in this browser? <a href="/">Go to the dashboard</a>.</p>
</main>
</body>
</html>
`;

/** Whether the client asked for a page (a browser navigating), not for JSON. */
export function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  return typeof accept === 'string' && accept.toLowerCase().includes('text/html');
}

/**
 * The API reference as one self-contained HTML page, rendered on the server from the OpenAPI
 * document: no script, no CDN, one stylesheet allowed by its hash so the page passes the
 * daemon's `default-src 'none'` CSP. Schemas are shown as compact type outlines (what a reader
 * scans for) with the raw JSON Schema one click away.
 */
import { createHash } from 'node:crypto';
import type { JsonSchema, OpenApiDocument, OpenApiOperation } from './openapi.js';

const CSS = `body{font:14px/1.5 system-ui,sans-serif;margin:0 auto;max-width:70rem;padding:1rem 2rem;color:#1d2330}
h1{margin-bottom:.2rem}h2{border-bottom:1px solid #ccd;margin-top:2.5rem}
.op{border:1px solid #dde;border-radius:6px;margin:1rem 0;padding:.6rem 1rem}
.m{display:inline-block;min-width:4.5rem;font-weight:700;font-family:monospace}
.GET{color:#1769aa}.POST{color:#2e7d32}.PATCH{color:#a15c00}.DELETE{color:#b3261e}.PUT{color:#6a3ea1}
code,pre{font-family:ui-monospace,monospace;font-size:12.5px}pre{background:#f5f6fa;padding:.5rem;overflow:auto}
table{border-collapse:collapse}td,th{border:1px solid #dde;padding:.2rem .5rem;text-align:left;vertical-align:top}
nav a{margin-right:1rem}.lock{color:#888;font-size:12px}`;

/** The Content-Security-Policy the page is served with: its one stylesheet, nothing else. */
export const REFERENCE_PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A JSON Schema as a short TypeScript-like outline: `{ id: string; labels?: string[] }`. */
export function typeOutline(schema: JsonSchema, indent = ''): string {
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if ('const' in schema) return JSON.stringify(schema.const);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options)) return options.map((o) => typeOutline(o as JsonSchema, indent)).join(' | ');
  }
  const type = schema.type;
  // A tuple (`[start, end]`): its items are listed one by one, and `items` is `false`.
  if (type === 'array' && Array.isArray(schema.prefixItems))
    return `[${schema.prefixItems.map((s) => typeOutline(s as JsonSchema, indent)).join(', ')}]`;
  if (type === 'array') return `${wrap(typeOutline((schema.items ?? {}) as JsonSchema, indent))}[]`;
  if (type === 'object' || schema.properties) {
    const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((schema.required as string[] | undefined) ?? []);
    const inner = `${indent}  `;
    const lines = Object.entries(props).map(([k, v]) => {
      const note = constraints(v);
      return `${inner}${k}${required.has(k) ? '' : '?'}: ${typeOutline(v, inner)};${note ? ` // ${note}` : ''}`;
    });
    const extra = schema.additionalProperties;
    if (extra && typeof extra === 'object')
      lines.push(`${inner}[key: string]: ${typeOutline(extra as JsonSchema, inner)};`);
    return lines.length === 0 ? '{}' : `{\n${lines.join('\n')}\n${indent}}`;
  }
  if (typeof type === 'string') return type === 'integer' ? 'integer' : format(type, schema);
  return 'any';
}

/** What a value must also satisfy, in a few words: `1–200 chars`, `≥ 0`, `pattern ^[a-z]+$`. */
export function constraints(schema: JsonSchema): string {
  const target = schema.type === 'array' && schema.items ? (schema.items as JsonSchema) : schema;
  const out: string[] = [];
  const range = (min: unknown, max: unknown, unit: string) => {
    if (typeof min === 'number' && typeof max === 'number') out.push(`${min}–${max}${unit}`);
    else if (typeof min === 'number') out.push(`≥ ${min}${unit}`);
    else if (typeof max === 'number') out.push(`≤ ${max}${unit}`);
  };
  range(target.minLength, target.maxLength, ' chars');
  range(target.minimum, target.maximum, '');
  if (schema.type === 'array') range(schema.minItems, schema.maxItems, ' items');
  if (typeof target.pattern === 'string') out.push(`pattern ${target.pattern}`);
  if ('default' in schema) out.push(`default ${JSON.stringify(schema.default)}`);
  if (typeof schema.description === 'string') out.push(schema.description);
  return out.join('; ');
}

const wrap = (t: string): string => (t.includes(' | ') ? `(${t})` : t);
const format = (type: string, schema: JsonSchema): string =>
  typeof schema.format === 'string' ? `${type} (${schema.format})` : type;

function schemaBlock(schema: JsonSchema): string {
  return `<pre>${escapeHtml(typeOutline(schema))}</pre><details><summary>JSON Schema</summary><pre>${escapeHtml(
    JSON.stringify(schema, null, 2),
  )}</pre></details>`;
}

function operationHtml(method: string, path: string, op: OpenApiOperation): string {
  const params = op.parameters.length
    ? `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>type</th><th>required</th></tr>${op.parameters
        .map(
          (p) =>
            `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${p.in}</td><td><code>${escapeHtml(
              typeOutline(p.schema),
            )}</code></td><td>${p.required ? 'yes' : 'no'}</td></tr>`,
        )
        .join('')}</table>`
    : '';
  const body = op.requestBody
    ? `<h4>Request body</h4>${schemaBlock(op.requestBody.content['application/json']?.schema ?? {})}`
    : '';
  const responses = Object.entries(op.responses)
    .map(([status, r]) => {
      const [type, media] = Object.entries(r.content)[0] ?? ['', { schema: {} }];
      const shown =
        '$ref' in media.schema
          ? `<p>the <a href="#schema-Error">Error</a> body</p>`
          : schemaBlock(media.schema);
      return `<h4>${escapeHtml(status)} <small>${escapeHtml(type)}</small> — ${escapeHtml(r.description)}</h4>${shown}`;
    })
    .join('');
  const m = method.toUpperCase();
  return `<section class="op" id="${escapeHtml(op.operationId)}"><div><span class="m ${m}">${m}</span><code>${escapeHtml(
    path,
  )}</code> ${op.security?.length === 0 ? '' : '<span class="lock">token required</span>'}</div><p><b>${escapeHtml(
    op.summary,
  )}</b>${op.description ? `<br>${escapeHtml(op.description)}` : ''}</p>${params}${body}${responses}</section>`;
}

/** The whole page. */
export function renderReferencePage(doc: OpenApiDocument): string {
  const byTag = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(ops)) {
      const tag = op.tags[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationHtml(method, path, op)]);
    }
  const nav = [...byTag.keys()].map((t) => `<a href="#tag-${escapeHtml(t)}">${escapeHtml(t)}</a>`).join('');
  const sections = [...byTag.entries()]
    .map(([t, ops]) => `<h2 id="tag-${escapeHtml(t)}">${escapeHtml(t)}</h2>${ops.join('')}`)
    .join('');
  const schemas = Object.entries(doc.components.schemas)
    .map(([name, s]) => `<h3 id="schema-${escapeHtml(name)}">${escapeHtml(name)}</h3>${schemaBlock(s)}`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(doc.info.title)} ${escapeHtml(
    doc.info.version,
  )}</title><style>${CSS}</style></head><body><h1>${escapeHtml(doc.info.title)}</h1><p>version ${escapeHtml(
    doc.info.version,
  )} · OpenAPI ${doc.openapi} · <a href="openapi.json">openapi.json</a></p><p>${escapeHtml(
    doc.info.description,
  )}</p><nav>${nav}<a href="#schemas">schemas</a></nav>${sections}<h2 id="schemas">Schemas</h2>${schemas}</body></html>`;
}

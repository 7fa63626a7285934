/**
 * A readable API reference rendered on the server from the OpenAPI
 * document itself: no script, nothing fetched from elsewhere, so it works
 * on an air-gapped controller and never drifts from /openapi.json.
 */

type Json = unknown;
const obj = (v: Json): Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, Json>) : {};
const str = (v: Json): string => (typeof v === 'string' ? v : '');
const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export function docsPage(doc: Json): string {
  const d = obj(doc);
  const schemas = obj(obj(d.components).schemas);
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(obj(d.paths))) {
    for (const m of METHODS) {
      const op = obj(obj(item)[m]);
      if (Object.keys(op).length === 0) continue;
      const tag = str((Array.isArray(op.tags) ? op.tags : [])[0]) || 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operation(m, path, op, schemas)]);
    }
  }
  const info = obj(d.info);
  const sections = [...byTag]
    .map(([tag, ops]) => `<section id="${esc(tag)}"><h2>${esc(tag)}</h2>${ops.join('')}</section>`)
    .join('');
  const nav = [...byTag.keys()].map((t) => `<a href="#${esc(t)}">${esc(t)}</a>`).join(' · ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(str(info.title))}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
code,pre{font:13px ui-monospace,monospace}pre{background:#f5f5f5;padding:.6rem;overflow:auto}
.op{border-top:1px solid #ddd;padding:.5rem 0}.m{display:inline-block;width:4.5rem;font-weight:bold;text-transform:uppercase}
.get{color:#06c}.post{color:#080}.delete{color:#b00}.patch{color:#a60}</style></head><body>
<h1>${esc(str(info.title))} <small>${esc(str(info.version))}</small></h1><p>${esc(str(info.description))}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a>. Sections: ${nav}</p>${sections}</body></html>`;
}

function operation(
  method: string,
  path: string,
  op: Record<string, Json>,
  schemas: Record<string, Json>,
): string {
  const params = (Array.isArray(op.parameters) ? op.parameters : []).map(obj);
  const paramText = params
    .map(
      (p) =>
        `<li><code>${esc(str(p.name))}</code> (${esc(str(p.in))}) ${esc(str(obj(p.schema).description) || str(p.description))}</li>`,
    )
    .join('');
  const body = obj(obj(obj(obj(op.requestBody).content)['application/json']).schema);
  const responses = Object.entries(obj(op.responses))
    .map(([code, r]) => `<li><code>${esc(code)}</code> ${esc(str(obj(r).description))}</li>`)
    .join('');
  return `<div class="op"><span class="m ${method}">${method}</span><code>${esc(path)}</code> — ${esc(str(op.summary))}
${op.description ? `<p>${esc(str(op.description))}</p>` : ''}${paramText ? `<ul>${paramText}</ul>` : ''}
${Object.keys(body).length ? `<details><summary>Request body</summary><pre>${esc(shape(body, schemas, 0))}</pre></details>` : ''}
<ul>${responses}</ul></div>`;
}

/** A schema as an indented sketch: `name: string (required)`. */
function shape(s: Record<string, Json>, schemas: Record<string, Json>, depth: number): string {
  const ref = str(s.$ref);
  if (ref !== '')
    return depth > 3
      ? (ref.split('/').pop() ?? '')
      : shape(obj(schemas[ref.split('/').pop() ?? '']), schemas, depth);
  if (s.type === 'array') return `[ ${shape(obj(s.items), schemas, depth + 1)} ]`;
  if (Array.isArray(s.enum)) return s.enum.map((e) => JSON.stringify(e)).join(' | ');
  const props = obj(s.properties);
  if (Object.keys(props).length === 0) return str(s.type) || 'any';
  const req = new Set(Array.isArray(s.required) ? s.required.map(str) : []);
  const pad = '  '.repeat(depth + 1);
  const lines = Object.entries(props).map(([k, v]) => {
    const o = obj(v);
    const note = str(o.description);
    return `${pad}${k}${req.has(k) ? '' : '?'}: ${shape(o, schemas, depth + 1)}${note ? `  // ${note}` : ''}`;
  });
  return `{\n${lines.join('\n')}\n${'  '.repeat(depth)}}`;
}

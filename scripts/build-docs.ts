/**
 * Builds the documentation site into docs/ (build output, git-ignored):
 * - docs/reference.html: the Redoc reference of spec/openapi.yaml (`redocly build-docs`), with
 *   Redoc's script inlined and its one remote image (the "API docs by Redocly" logo) replaced by
 *   an inline SVG, so the page works offline and from file://;
 * - docs/guide.html: the SDK guide, rendered from docs-src/guide.md with marked;
 * - docs/index.html: links to both.
 *
 * Usage: tsx scripts/build-docs.ts [--out <dir>] [--if-stale]
 * `--if-stale` skips the build when every output is newer than every input.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Marked } from "marked";
import { parse as parseYaml } from "yaml";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

export const DEFAULT_OUT_DIR = join(ROOT, "docs");
export const SPEC = join(ROOT, "spec/openapi.yaml");
export const GUIDE_SOURCE = join(ROOT, "docs-src/guide.md");
const REDOCLY_CONFIG = join(ROOT, "redocly.yaml");
const REDOCLY_PACKAGE = require.resolve("@redocly/cli/package.json");
const REDOCLY_CLI = join(dirname(REDOCLY_PACKAGE), "bin/cli.js");

/** The pages of the site, relative to the output directory. */
export const PAGES = { index: "index.html", reference: "reference.html", guide: "guide.html" };

/** Remote images that Redoc's bundle loads at runtime; replaced so the page needs no network. */
const REMOTE_ASSETS: Record<string, string> = {
  "https://cdn.redoc.ly/redoc/logo-mini-full.svg": logoDataUri("Redocly", 64),
  "https://cdn.redoc.ly/redoc/logo-mini.svg": logoDataUri("R", 16),
};

function logoDataUri(text: string, width: number): string {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="16" viewBox="0 0 ${width} 16">` +
    `<text x="0" y="12" font-family="sans-serif" font-size="11" fill="#0044d4">${text}</text></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

interface SpecInfo {
  title: string;
  version: string;
  summary: string;
}

function specInfo(): SpecInfo {
  const spec = parseYaml(readFileSync(SPEC, "utf8")) as {
    info?: { title?: string; version?: string; summary?: string };
  };
  return {
    title: spec.info?.title ?? "API",
    version: spec.info?.version ?? "",
    summary: spec.info?.summary ?? "",
  };
}

function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** GitHub-style heading ids: lower case, punctuation dropped, spaces to dashes. */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/<[^>]*>/g, "")
    .replace(/&[a-z]+;/g, "")
    .replace(/[^\p{L}\p{N}\s-]/gu, "")
    .trim()
    .replace(/\s+/g, "-");
}

const STYLE = `
  :root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --accent: #0044d4; --code: #f6f8fa; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); }
  header.site { border-bottom: 1px solid var(--line); padding: 12px 24px; display: flex; gap: 24px; align-items: baseline; }
  header.site a { color: var(--accent); text-decoration: none; }
  header.site strong { margin-right: auto; }
  .layout { display: flex; max-width: 1200px; margin: 0 auto; }
  nav.toc { flex: 0 0 230px; padding: 24px; position: sticky; top: 0; align-self: flex-start; font-size: 14px; }
  nav.toc ul { list-style: none; padding: 0; margin: 0; }
  nav.toc li { margin: 4px 0; }
  nav.toc li.level-3 { padding-left: 12px; }
  nav.toc a { color: var(--muted); text-decoration: none; }
  nav.toc a:hover { color: var(--accent); }
  main { flex: 1; min-width: 0; padding: 8px 32px 64px; }
  main h1 { font-size: 2em; }
  main h2 { border-bottom: 1px solid var(--line); padding-bottom: 4px; margin-top: 2em; }
  a { color: var(--accent); }
  code { font: 0.875em/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--code); padding: 0.1em 0.3em; border-radius: 4px; }
  pre { background: var(--code); padding: 12px 16px; border-radius: 6px; overflow-x: auto; }
  pre code { background: none; padding: 0; }
  table { border-collapse: collapse; margin: 16px 0; font-size: 14px; display: block; overflow-x: auto; }
  th, td { border: 1px solid var(--line); padding: 6px 10px; text-align: left; vertical-align: top; }
  th { background: var(--code); }
  ul.cards { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 16px; }
  ul.cards li { border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; }
  ul.cards a { font-weight: 600; font-size: 1.1em; }
  @media (max-width: 800px) { nav.toc { display: none; } main { padding: 8px 16px 48px; } }
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="site">
  <strong>cybrid-id</strong>
  <a href="${PAGES.index}">Home</a>
  <a href="${PAGES.guide}">SDK guide</a>
  <a href="${PAGES.reference}">API reference</a>
</header>
${body}
</body>
</html>
`;
}

/** Renders the Markdown guide with heading anchors and a table of contents. */
export function renderGuide(markdown: string): string {
  const toc: { level: number; id: string; text: string }[] = [];
  const seen = new Map<string, number>();
  const marked = new Marked({ gfm: true, async: false });
  marked.use({
    renderer: {
      heading(text: string, level: number, raw: string) {
        let id = slug(raw);
        const count = seen.get(id) ?? 0;
        seen.set(id, count + 1);
        if (count > 0) id = `${id}-${count}`;
        if (level === 2 || level === 3) toc.push({ level, id, text });
        return `<h${level} id="${id}">${text}</h${level}>\n`;
      },
    },
  });
  const content = marked.parse(markdown) as string;
  const title = /^#\s+(.+)$/m.exec(markdown)?.[1]?.trim() ?? "Guide";
  const nav = toc
    .map(
      (entry) => `<li class="level-${entry.level}"><a href="#${entry.id}">${entry.text}</a></li>`,
    )
    .join("\n");
  return page(
    title,
    `<div class="layout">
<nav class="toc" aria-label="Contents"><ul>
${nav}
</ul></nav>
<main>
${content}</main>
</div>`,
  );
}

function renderIndex(info: SpecInfo): string {
  return page(
    `cybrid-id documentation`,
    `<main style="max-width: 900px; margin: 0 auto">
<h1>cybrid-id documentation</h1>
<p>Typed client for ${escapeHtml(info.title)}: token caching, single-flight refresh, retries with deadlines, typed errors.</p>
<ul class="cards">
  <li><a href="${PAGES.guide}">SDK guide</a><p>Quick start, configuration, caching and refresh rules, retries, errors, the CLI, and testing with the emulator.</p></li>
  <li><a href="${PAGES.reference}">API reference</a><p>${escapeHtml(info.title)} ${escapeHtml(info.version)}: ${escapeHtml(info.summary)} Both endpoints, their schemas and every documented error example.</p></li>
</ul>
</main>`,
  );
}

function buildReference(outFile: string, info: SpecInfo): void {
  const result = spawnSync(
    process.execPath,
    [
      REDOCLY_CLI,
      "build-docs",
      relative(ROOT, SPEC),
      "--output",
      outFile,
      "--inlineBundle",
      "--title",
      `${info.title} reference`,
    ],
    { cwd: ROOT, encoding: "utf8", env: { ...process.env, REDOCLY_TELEMETRY: "off" } },
  );
  if (result.status !== 0) {
    throw new Error(
      `redocly build-docs failed (exit ${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  let html = readFileSync(outFile, "utf8");
  for (const [url, replacement] of Object.entries(REMOTE_ASSETS)) {
    html = html.replaceAll(url, replacement);
  }
  // Fail loudly if Redoc starts loading something else from the network.
  const remote =
    /<script[^>]+src=["']https?:|<link[^>]+href=["']https?:|https:\/\/cdn\.redoc\.ly\/[^`"'\s)]+/i.exec(
      html,
    );
  if (remote) throw new Error(`reference.html still loads a remote resource: ${remote[0]}`);
  writeFileSync(outFile, html);
}

/** Every file the output depends on. */
function inputs(): string[] {
  return [SPEC, GUIDE_SOURCE, REDOCLY_CONFIG, REDOCLY_PACKAGE, fileURLToPath(import.meta.url)];
}

/** True when every page exists and is newer than every input. */
export function isFresh(outDir = DEFAULT_OUT_DIR): boolean {
  const newestInput = Math.max(...inputs().map((file) => statSync(file).mtimeMs));
  return Object.values(PAGES).every((name) => {
    const file = join(outDir, name);
    return existsSync(file) && statSync(file).mtimeMs > newestInput;
  });
}

/** Builds the site; returns the paths written. */
export function buildDocs(outDir = DEFAULT_OUT_DIR): string[] {
  mkdirSync(outDir, { recursive: true });
  const info = specInfo();
  const written: string[] = [];
  const reference = join(outDir, PAGES.reference);
  buildReference(reference, info);
  written.push(reference);
  const guide = join(outDir, PAGES.guide);
  writeFileSync(guide, renderGuide(readFileSync(GUIDE_SOURCE, "utf8")));
  written.push(guide);
  // index.html last: its mtime marks a complete build.
  const index = join(outDir, PAGES.index);
  writeFileSync(index, renderIndex(info));
  written.push(index);
  return written;
}

/** Builds unless a complete build newer than every input is already there. */
export function ensureDocs(outDir = DEFAULT_OUT_DIR): { built: boolean } {
  if (isFresh(outDir)) return { built: false };
  buildDocs(outDir);
  return { built: true };
}

function main(): void {
  const { values } = parseArgs({
    options: { out: { type: "string" }, "if-stale": { type: "boolean", default: false } },
  });
  const outDir = values.out === undefined ? DEFAULT_OUT_DIR : resolve(values.out);
  const started = Date.now();
  if (values["if-stale"] && isFresh(outDir)) {
    console.log(`docs: ${relative(process.cwd(), outDir) || "."} is up to date`);
    return;
  }
  const written = buildDocs(outDir);
  for (const file of written) console.log(`docs: wrote ${relative(process.cwd(), file)}`);
  console.log(`docs: done in ${Date.now() - started} ms`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}

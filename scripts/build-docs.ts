/**
 * Builds the documentation site into docs/ (build output, git-ignored):
 * - docs/reference.html: the Redoc reference of spec/openapi.yaml (`redocly build-docs`), with
 *   Redoc's script inlined and its one remote image (the "API docs by Redocly" logo) replaced by
 *   an inline SVG, so the page works offline and from file://;
 * - docs/guide.html: the SDK guide, rendered from docs-src/guide.md with marked, its code
 *   highlighted at build time by highlight.js;
 * - docs/index.html: the install line, the version, and links to both.
 * The page chrome (header, styles, contents) is in docs-site.ts.
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
import hljs from "highlight.js";
import { Marked } from "marked";
import { parse as parseYaml } from "yaml";
import {
  escapeHtml,
  guideLayout,
  HIGHLIGHT_THEME,
  highlightTheme,
  page,
  PAGES,
  referenceHeader,
} from "./docs-site.js";

export { PAGES };

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

export const DEFAULT_OUT_DIR = join(ROOT, "docs");
export const SPEC = join(ROOT, "spec/openapi.yaml");
export const GUIDE_SOURCE = join(ROOT, "docs-src/guide.md");
const REDOCLY_CONFIG = join(ROOT, "redocly.yaml");
const PACKAGE_JSON = join(ROOT, "package.json");
const SITE_CHROME = join(ROOT, "scripts/docs-site.ts");
const REDOCLY_PACKAGE = require.resolve("@redocly/cli/package.json");
const REDOCLY_CLI = join(dirname(REDOCLY_PACKAGE), "bin/cli.js");

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

/** Code in the guide as highlight.js markup; a language it does not know stays plain text. */
function highlightCode(code: string, language: string | undefined): string {
  const known = language !== undefined && hljs.getLanguage(language) !== undefined;
  const html = known ? hljs.highlight(code, { language }).value : escapeHtml(code);
  const name = known ? ` language-${escapeHtml(language)}` : "";
  return `<pre><code class="hljs${name}">${html}</code></pre>\n`;
}

/** Renders the Markdown guide with heading anchors, a table of contents and highlighted code. */
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
      code(code: string, infostring: string | undefined) {
        return highlightCode(code, infostring?.trim().split(/\s+/)[0] || undefined);
      },
    },
  });
  const content = marked.parse(markdown) as string;
  const title = /^#\s+(.+)$/m.exec(markdown)?.[1]?.trim() ?? "Guide";
  return page(title, guideLayout(toc, content), highlightTheme());
}

/** The package as the index presents it: its name and version, from package.json. */
function packageInfo(): { name: string; version: string } {
  const pkg = JSON.parse(readFileSync(PACKAGE_JSON, "utf8")) as { name: string; version: string };
  return { name: pkg.name, version: pkg.version };
}

function renderIndex(info: SpecInfo): string {
  const pkg = packageInfo();
  const install = highlightCode(
    `npm install ${pkg.name}\n# until the first release: npm pack in a clone, then\nnpm install ./${pkg.name}-${pkg.version}.tgz`,
    "sh",
  );
  return page(
    `cybrid-id documentation`,
    `<main style="max-width: 900px; margin: 0 auto">
<h1>cybrid-id documentation</h1>
<p>Typed client for ${escapeHtml(info.title)}: token caching, single-flight refresh, retries with deadlines, typed errors.</p>
<p class="version">Version <strong>${escapeHtml(pkg.version)}</strong> of <code>${escapeHtml(pkg.name)}</code> (not published on npm yet: install it from a packed tarball until the first release).</p>
${install}<ul class="cards">
  <li><a href="${PAGES.guide}">SDK guide</a><p>Quick start, configuration, caching and refresh rules, retries, errors, the CLI, and testing with the emulator.</p></li>
  <li><a href="${PAGES.reference}">API reference</a><p>${escapeHtml(info.title)} ${escapeHtml(info.version)}: ${escapeHtml(info.summary)} Both endpoints, their schemas and every documented error example.</p></li>
</ul>
</main>`,
    highlightTheme(),
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
  // The site header on top of Redoc: the way back to the guide and the index.
  const body = /<body[^>]*>/.exec(html);
  if (!body) throw new Error("reference.html has no <body> to put the site header in");
  html = html.replace(body[0], `${body[0]}\n${referenceHeader()}`);
  writeFileSync(outFile, html);
}

/** Every file the output depends on. */
function inputs(): string[] {
  return [
    SPEC,
    GUIDE_SOURCE,
    REDOCLY_CONFIG,
    REDOCLY_PACKAGE,
    PACKAGE_JSON,
    SITE_CHROME,
    HIGHLIGHT_THEME,
    fileURLToPath(import.meta.url),
  ];
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

/**
 * The chrome of the hand-written docs pages (index and guide) and the bar added on top of the
 * Redoc reference: one header with the same links on every page, the styles, and the guide's
 * table of contents. Everything is inline: the site works offline and from file://.
 *
 * Layout rules that the browser test holds at 1400 px and 390 px:
 * - the header never wraps inside a link ("SDK guide" stays on one line; links wrap as wholes);
 * - the contents follow the reader: a sticky side column on wide screens that marks the
 *   section in view, a sticky collapsible "Contents" bar on phones;
 * - a table wider than the screen scrolls inside itself, with shadows at the edges that show
 *   there is more, instead of widening the page.
 */
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);

/** The pages of the site, relative to the output directory. */
export const PAGES = { index: "index.html", reference: "reference.html", guide: "guide.html" };

/** highlight.js's GitHub theme, inlined: code is highlighted at build time, no script runs. */
export const HIGHLIGHT_THEME = require.resolve("highlight.js/styles/github.css");

export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

const HEADER_STYLE = `
  header.site { border-bottom: 1px solid #d1d9e0; padding: 10px 24px; display: flex; flex-wrap: wrap; column-gap: 24px; row-gap: 4px; align-items: baseline; background: #fff; font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  header.site a { color: #0044d4; text-decoration: none; white-space: nowrap; }
  header.site strong { margin-right: auto; white-space: nowrap; color: #1f2328; }
  @media (max-width: 800px) { header.site { padding: 8px 16px; column-gap: 16px; } }
`;

const STYLE = `
  :root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --accent: #0044d4; --code: #f6f8fa; --bg: #fff; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
  ${HEADER_STYLE}
  .layout { display: flex; max-width: 1200px; margin: 0 auto; }
  nav.toc { flex: 0 0 240px; position: sticky; top: 0; align-self: flex-start; max-height: 100vh; overflow-y: auto; padding: 16px 16px 24px 24px; font-size: 14px; }
  nav.toc summary { display: none; }
  nav.toc ul { list-style: none; padding: 0; margin: 0; }
  nav.toc li { margin: 2px 0; }
  nav.toc li.level-3 { padding-left: 12px; }
  nav.toc a { display: block; padding: 2px 8px; border-left: 2px solid transparent; color: var(--muted); text-decoration: none; }
  nav.toc a:hover { color: var(--accent); }
  nav.toc a[aria-current="true"] { color: var(--accent); border-left-color: var(--accent); font-weight: 600; }
  main { flex: 1; min-width: 0; padding: 8px 32px 64px; }
  main h1 { font-size: 2em; }
  main h2 { border-bottom: 1px solid var(--line); padding-bottom: 4px; margin-top: 2em; }
  main h2, main h3 { scroll-margin-top: 16px; }
  a { color: var(--accent); }
  code { font: 0.875em/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--code); padding: 0.1em 0.3em; border-radius: 4px; }
  /* A long inline command or URL wraps rather than widening a phone's page. */
  p > code, li > code { overflow-wrap: anywhere; }
  pre { background: var(--code); padding: 12px 16px; border-radius: 6px; overflow-x: auto; }
  pre code, pre code.hljs { background: none; padding: 0; }
  table {
    border-collapse: collapse; margin: 16px 0; font-size: 14px; display: block; max-width: 100%; overflow-x: auto;
    background:
      linear-gradient(to right, var(--bg) 30%, rgba(255, 255, 255, 0)) left / 40px 100% no-repeat local,
      linear-gradient(to left, var(--bg) 30%, rgba(255, 255, 255, 0)) right / 40px 100% no-repeat local,
      radial-gradient(farthest-side at 0 50%, rgba(0, 0, 0, 0.25), transparent) left / 14px 100% no-repeat scroll,
      radial-gradient(farthest-side at 100% 50%, rgba(0, 0, 0, 0.25), transparent) right / 14px 100% no-repeat scroll;
  }
  th, td { border: 1px solid var(--line); padding: 6px 10px; text-align: left; vertical-align: top; }
  th { background: var(--code); }
  ul.cards { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 16px; }
  ul.cards li { border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; }
  ul.cards a { font-weight: 600; font-size: 1.1em; }
  @media (max-width: 800px) {
    .layout { display: block; }
    nav.toc { position: sticky; top: 0; z-index: 1; max-height: 70vh; padding: 0 16px; background: var(--bg); border-bottom: 1px solid var(--line); }
    nav.toc summary { display: list-item; padding: 8px 0; font-weight: 600; cursor: pointer; }
    nav.toc details[open] { padding-bottom: 8px; }
    main { padding: 8px 16px 48px; }
    main h2, main h3 { scroll-margin-top: 56px; }
  }
`;

/**
 * Marks the section in view in the contents, and on phones folds the contents away (open by
 * default, so that without scripts they are still there) and again after a jump.
 */
const CONTENTS_SCRIPT = `
  (() => {
    const details = document.querySelector("nav.toc details");
    const links = [...document.querySelectorAll("nav.toc a")];
    const narrow = matchMedia("(max-width: 800px)");
    if (details && narrow.matches) details.open = false;
    for (const link of links) link.addEventListener("click", () => { if (details && narrow.matches) details.open = false; });
    const headings = links.map((link) => document.getElementById(link.hash.slice(1))).filter(Boolean);
    const mark = () => {
      let current = headings[0];
      for (const heading of headings) if (heading.getBoundingClientRect().top < 80) current = heading;
      for (const link of links) link.setAttribute("aria-current", String(link.hash === "#" + current?.id));
    };
    addEventListener("scroll", mark, { passive: true });
    mark();
  })();
`;

/** The header of every page, the reference included. */
export function siteHeader(): string {
  return `<header class="site">
  <strong>cybrid-id</strong>
  <a href="${PAGES.index}">Home</a>
  <a href="${PAGES.guide}">SDK guide</a>
  <a href="${PAGES.reference}">API reference</a>
</header>`;
}

/** What goes into the Redoc reference: the site header, styled on its own. */
export function referenceHeader(): string {
  return `<style>${HEADER_STYLE}</style>\n${siteHeader()}`;
}

/** A whole hand-written page. */
export function page(title: string, body: string, highlightTheme = ""): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}${highlightTheme}</style>
</head>
<body>
${siteHeader()}
${body}
</body>
</html>
`;
}

/** The guide's layout: the contents beside (or, on phones, above) the text. */
export function guideLayout(toc: { level: number; id: string; text: string }[], content: string) {
  const items = toc
    .map(
      (entry) => `<li class="level-${entry.level}"><a href="#${entry.id}">${entry.text}</a></li>`,
    )
    .join("\n");
  return `<div class="layout">
<nav class="toc" aria-label="Contents"><details open><summary>Contents</summary><ul>
${items}
</ul></details></nav>
<main>
${content}</main>
</div>
<script>${CONTENTS_SCRIPT}</script>`;
}

/** The highlight.js theme's CSS. */
export function highlightTheme(): string {
  return readFileSync(HIGHLIGHT_THEME, "utf8");
}

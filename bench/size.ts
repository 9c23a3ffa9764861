/**
 * Benchmark 4: what the main entry weighs in a user's bundle. Each subject is bundled with
 * esbuild the same way (bundle, minify, platform neutral, ESM, dependencies included) and
 * gzipped at level 9 (as size-limit does). The main entry is src/index.ts, so a fresh clone
 * needs no build; it is what dist/index.js is built from, openapi-fetch included.
 */
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

interface Bundled {
  minified: number;
  gzip: number;
}

async function bundle(
  input: { entry: string } | { source: string },
  external: string[] = [],
): Promise<Bundled & { metafile: Metafile }> {
  const result = await build({
    ...("entry" in input
      ? { entryPoints: [input.entry] }
      : { stdin: { contents: input.source, resolveDir: ROOT, loader: "js" as const } }),
    absWorkingDir: ROOT,
    bundle: true,
    minify: true,
    platform: "neutral",
    format: "esm",
    external,
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  return {
    minified: code.byteLength,
    gzip: gzipSync(code, { level: 9 }).byteLength,
    metafile: result.metafile,
  };
}

export async function benchSize() {
  const ours = await bundle({ entry: "src/index.ts" });
  const oursWithoutDeps = await bundle({ entry: "src/index.ts" }, ["openapi-fetch"]);
  const openapiFetch = await bundle({
    source: 'export { default } from "openapi-fetch"; export * from "openapi-fetch";',
  });
  const oauth4webapi = await bundle({ source: 'export * from "oauth4webapi";' });
  const openidClient = await bundle({ source: 'export * from "openid-client";' });

  // Where the bytes go: minified bytes per input, largest first.
  const output = Object.values(ours.metafile.outputs)[0];
  const inputs = Object.entries(output?.inputs ?? {})
    .map(([path, { bytesInOutput }]) => ({ path, minified: bytesInOutput }))
    .filter((entry) => entry.minified > 0)
    .sort((a, b) => b.minified - a.minified);
  const strip = ({ minified, gzip }: Bundled) => ({ minified, gzip });
  return {
    main: strip(ours),
    mainWithoutOpenapiFetch: strip(oursWithoutDeps),
    openapiFetch: strip(openapiFetch),
    oauth4webapi: strip(oauth4webapi),
    openidClient: strip(openidClient),
    largestInputs: inputs.slice(0, 8),
  };
}

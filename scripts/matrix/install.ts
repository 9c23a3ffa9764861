/**
 * Installing the matrix's runtimes (scripts/runtime-matrix.ts): which npm package brings the
 * Node 22, Node 24, Bun and Deno binary on this platform, and a cache of them under the runtimes
 * directory (installed with --ignore-scripts: the platform package ships the binary itself).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeRun, run } from "./package.js";

// Runtimes: which npm package brings which binary, here.

export interface Installable {
  /** Directory name under RUNTIMES_DIR. */
  id: string;
  /** An npm spec of a package that ships the binary and has no install script. */
  spec: string;
  /** The binary, relative to the install directory. */
  bin: string;
}

export interface PlatformPackages {
  node: (major: number) => Installable;
  bun: Installable;
  deno: Installable;
}

export interface Installed {
  bin: string;
  installed: boolean;
  ms: number;
}

export function platformPackages(): PlatformPackages | string {
  const { platform, arch } = process;
  if ((platform !== "linux" && platform !== "darwin") || (arch !== "x64" && arch !== "arm64"))
    return `no runtime packages known for ${platform}-${arch}`;
  const nodePackage = `node-${platform}-${arch}`;
  // Bun's own install script picks the baseline build on x64 CPUs without AVX2.
  const noAvx2 =
    platform === "linux" &&
    arch === "x64" &&
    !/\bavx2\b/.test(readFileSync("/proc/cpuinfo", "utf8"));
  const bunPackage = `@oven/bun-${platform}-${arch === "arm64" ? "aarch64" : "x64"}${noAvx2 ? "-baseline" : ""}`;
  const denoPackage = `@deno/${platform}-${arch}${platform === "linux" ? "-glibc" : ""}`;
  return {
    node: (major) => ({
      id: `node${major}`,
      spec: `${nodePackage}@${major}`,
      bin: `node_modules/${nodePackage}/bin/node`,
    }),
    bun: { id: "bun", spec: `${bunPackage}@1`, bin: `node_modules/${bunPackage}/bin/bun` },
    deno: { id: "deno", spec: `${denoPackage}@2`, bin: `node_modules/${denoPackage}/deno` },
  };
}

/** The binary, from the cache or freshly installed into it (`refresh`: always reinstall). */
export async function ensureRuntime(
  runtime: Installable,
  runtimesDir: string,
  refresh: boolean,
): Promise<Installed> {
  const started = Date.now();
  const dir = join(runtimesDir, runtime.id);
  const bin = join(dir, runtime.bin);
  const marker = join(dir, "ready.json");
  const cached = existsSync(marker) && existsSync(bin);
  if (cached && !refresh) {
    const ready = JSON.parse(readFileSync(marker, "utf8")) as { spec: string };
    if (ready.spec === runtime.spec) return { bin, installed: false, ms: Date.now() - started };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ private: true }, null, 2)}\n`);
  const install = await run(
    "npm",
    [
      "install",
      runtime.spec,
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      "--no-package-lock",
      "--prefer-offline",
    ],
    { cwd: dir, timeoutMs: 900_000 },
  );
  if (install.code !== 0 || !existsSync(bin))
    throw new Error(describeRun(`npm install ${runtime.spec}`, install));
  writeFileSync(
    marker,
    `${JSON.stringify({ spec: runtime.spec, installedAt: new Date().toISOString() })}\n`,
  );
  return { bin, installed: true, ms: Date.now() - started };
}

/**
 * Install the runtimes (in parallel, while the package builds): one promise per wanted runtime,
 * keyed by id; none when this platform has no runtime packages.
 */
export function startInstalls(
  packages: PlatformPackages | string,
  wanted: (id: string) => boolean,
  runtimesDir: string,
  refresh: boolean,
): Map<string, Promise<Installed>> {
  const installs = new Map<string, Promise<Installed>>();
  if (typeof packages !== "string") {
    for (const runtime of [packages.node(22), packages.node(24), packages.bun, packages.deno]) {
      if (!wanted(runtime.id)) continue;
      const promise = ensureRuntime(runtime, runtimesDir, refresh);
      promise.catch(() => undefined); // awaited by the caller; no unhandled rejection meanwhile
      installs.set(runtime.id, promise);
    }
  }
  return installs;
}

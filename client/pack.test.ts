/**
 * The package as a dApp gets it: `npm run build:client`, `npm pack`, installed from the tarball
 * into a fresh folder with no network (`@turnkey/core`, the peer dependency, linked from this
 * repository's `node_modules`), where a small example app type-checks against the published
 * `.d.ts` files and runs in Node (no browser there, so no vault: both entry points say so).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, test } from "vitest";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const CLIENT = join(REPO, "client");
const work = mkdtempSync(join(tmpdir(), "tsv-client-pack-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${stdout ?? ""}${stderr ?? ""}`);
  }
}

const EXAMPLE = `
import { TurnkeyClient, TurnkeyError } from "@turnkey/core";
import { getSessionVault, type Session, type SessionVault, type SessionVaultErrorCode } from "turnkey-session-vault-client";
import { installSessionVault, usesSessionVault } from "turnkey-session-vault-client/turnkey-core";

const installed: boolean = await installSessionVault(TurnkeyClient, { timeoutMs: 50 });
const vault: SessionVault | undefined = await getSessionVault({ timeoutMs: 50 });
const session: Session | undefined = await vault?.getSession();
vault?.addEventListener("sessionRefreshed", (event) => console.log(event.detail.session.expiry));
const code: SessionVaultErrorCode = "SESSION_EXPIRED";
const client = new TurnkeyClient({ apiBaseUrl: "https://api.turnkey.com", organizationId: "org" });
console.log(JSON.stringify({ installed, vault: vault === undefined, session: session === undefined, code, uses: usesSessionVault(client), error: new TurnkeyError("x").name }));
`;

test("npm pack installs into a fresh folder offline, type-checks an example and runs it", { timeout: 120_000 }, () => {
  run("npm", ["run", "--silent", "build:client"], REPO);
  const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], CLIENT)) as { filename: string; files: { path: string }[] }[];
  const files = packed[0]!.files.map((f) => f.path);
  expect(files).toEqual(expect.arrayContaining(["package.json", "README.md", "dist/index.js", "dist/index.d.ts", "dist/turnkey-core.js", "dist/turnkey-core.d.ts"]));
  expect(files.filter((f) => !/^(package\.json|README\.md|dist\/.+\.(js|d\.ts))$/.test(f))).toEqual([]);
  expect(files.filter((f) => /test|fixture/.test(f))).toEqual([]);

  const app = join(work, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "example-dapp", private: true, type: "module" }));
  run("npm", ["install", "--offline", "--legacy-peer-deps", "--ignore-scripts", "--no-audit", "--no-fund", "--no-package-lock", join(work, packed[0]!.filename)], app);
  // The peer dependency comes from this repository, linked after npm's install (which would prune it); nothing is fetched.
  mkdirSync(join(app, "node_modules", "@turnkey"), { recursive: true });
  symlinkSync(join(REPO, "node_modules", "@turnkey", "core"), join(app, "node_modules", "@turnkey", "core"), "dir");
  const manifest = JSON.parse(readFileSync(join(app, "node_modules", "turnkey-session-vault-client", "package.json"), "utf8"));
  expect(manifest.dependencies ?? {}).toEqual({});
  expect(Object.keys(manifest.peerDependencies).sort()).toEqual(["@turnkey/core", "@turnkey/react-wallet-kit", "react"]);
  // Only @turnkey/core is required: the kit and React are for the ./react-wallet-kit entry alone.
  expect(manifest.peerDependenciesMeta).toEqual({ "@turnkey/react-wallet-kit": { optional: true }, react: { optional: true } });
  // ./react-wallet-kit wraps TurnkeyClient's init when imported: a bundler must not drop that import.
  expect(manifest.sideEffects).toEqual(["./dist/react-wallet-kit.js"]);
  expect(files).toContain("dist/react-wallet-kit.js");

  writeFileSync(join(app, "example.ts"), EXAMPLE);
  writeFileSync(
    join(app, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2023", "DOM"], strict: true, skipLibCheck: true, types: [], outDir: "out" }, files: ["example.ts"] }),
  );
  run(process.execPath, [join(REPO, "node_modules", "typescript", "bin", "tsc"), "-p", "."], app);
  const output = JSON.parse(run(process.execPath, [join(app, "out", "example.js")], app).trim().split("\n").at(-1)!);
  expect(output).toEqual({ installed: false, vault: true, session: true, code: "SESSION_EXPIRED", uses: false, error: "TurnkeyError" });
});

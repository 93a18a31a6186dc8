/**
 * 3. Stamping.
 *
 * In the worker: stamps per second of the vault's stamper where it runs — the vault's own
 * `Keystore.sign` (WebCrypto ECDSA with the key pair's non-extractable key, decrypted once per
 * worker life, then DER) plus
 * `encodeApiKeyStamp`, bundled from background/keystore.ts and shared/api-stamp.ts into a probe
 * that is evaluated in the vault's running service worker (bench/worker-probe/). Baseline, the
 * physical reference: WebCrypto ECDSA P-256/SHA-256 `sign` with a non-extractable key, in the
 * same worker, same payload (a 200-byte `stamp_login` body), timed batches interleaved. Breakdown
 * rows give the AES-GCM decrypt alone and @noble/curves' `p256.sign`, which the vault used
 * before (kept as the reference that motivated the change), with its first-use cost in a fresh
 * copy (its precomputed tables are built lazily on first use).
 *
 * From the page: `turnkeySession.stamp(payload)` end to end (bridge + worker stamp), one at a
 * time. Baseline: the stamp Turnkey's SDK makes in the page for every request
 * (`@turnkey/core`'s IndexedDB API-key stamper: IndexedDB read of the WebCrypto key, sign, DER),
 * in the same page, interleaved. One stamp of each side is verified in Node. Likewise
 * `turnkeySession.sign(payload, { publicKey, format: "raw" })` against that stamper's `sign`.
 */
import { p256 } from "@noble/curves/nist.js";
import type { Page, Worker } from "@playwright/test";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { base64UrlDecode, hexToBytes, utf8Decode, utf8Encode } from "../shared/bytes.ts";
import { roundRatios, summarize } from "./stats.ts";
import type { Row } from "./table.ts";
import type { BenchContext, Measure, MeasureResult } from "./support/context.ts";
import { openSdkPage, type BenchWindow } from "./support/pages.ts";

type Kind = "vault" | "webcrypto" | "noble" | "aesgcm";

interface Probe {
  setup(payload: string): Promise<{ firstNobleSignMs: number; secondNobleSignMs: number }>;
  run(kind: Kind, minMs: number): Promise<{ n: number; ms: number }>;
}

export function stampLoginBody(publicKey = "03" + "ab".repeat(32)): string {
  return JSON.stringify({
    parameters: { publicKey, expirationSeconds: "900", invalidateExisting: false },
    organizationId: "8c5a0e4e-6a0b-4d2e-9a53-2d1f3c9f7b10",
    timestampMs: "1764090000000",
    type: "ACTIVITY_TYPE_STAMP_LOGIN",
  });
}

function verifyStamp(stamp: { stampHeaderName: string; stampHeaderValue: string }, body: string, who: string): void {
  const decoded = JSON.parse(utf8Decode(base64UrlDecode(stamp.stampHeaderValue))) as { publicKey: string; signature: string; scheme: string };
  const ok = stamp.stampHeaderName === "X-Stamp" && decoded.scheme === "SIGNATURE_SCHEME_TK_API_P256" &&
    p256.verify(hexToBytes(decoded.signature), utf8Encode(body), hexToBytes(decoded.publicKey), { format: "der", lowS: false });
  if (!ok) throw new Error(`${who}'s stamp does not verify over the payload`);
}

async function inWorker(ctx: BenchContext, worker: Worker, payload: string): Promise<Row[]> {
  const source = await readFile(join(ctx.buildDir, "probe", "stamp-probe.js"), "utf8");
  await worker.evaluate(source);
  const first = await worker.evaluate((p) => (globalThis as unknown as { __tsvStampProbe: Probe }).__tsvStampProbe.setup(p), payload);
  const run = (kind: Kind, minMs: number) => worker.evaluate(([k, ms]) => (globalThis as unknown as { __tsvStampProbe: Probe }).__tsvStampProbe.run(k, ms), [kind, minMs] as const);

  const batchMs = ctx.quick ? 25 : 60;
  const rounds = ctx.quick ? 3 : 15;
  for (const kind of ["vault", "webcrypto", "noble", "aesgcm"] as const) await run(kind, batchMs); // warm-up
  const rates: Record<Kind, number[][]> = { vault: [], webcrypto: [], noble: [], aesgcm: [] };
  for (let r = 0; r < rounds; r++) {
    const order: Kind[] = r % 2 === 0 ? ["vault", "webcrypto", "noble", "aesgcm"] : ["aesgcm", "noble", "webcrypto", "vault"];
    for (const kind of order) {
      const { n, ms } = await run(kind, batchMs);
      rates[kind].push([n / (ms / 1000)]);
    }
  }
  const s = (k: Kind) => summarize(rates[k].flat());
  const group = "3. Stamping";
  const webcrypto = s("webcrypto");
  const reference = { label: "WebCrypto ECDSA P-256 sign, same worker", figure: webcrypto };
  const batches = `${rounds} interleaved batches of ≥ ${batchMs} ms each; spread over batches; ratio = vault rate / reference rate (higher is better)`;
  return [
    {
      group,
      name: "in worker: vault stamper (WebCrypto sign with the cached key + DER + encode)",
      unit: "per_s",
      vault: s("vault"),
      baseline: reference,
      ratio: s("vault").median / webcrypto.median,
      ratioSpread: roundRatios(rates.vault, rates.webcrypto),
      note: batches,
    },
    {
      group,
      name: "in worker: @noble/curves p256.sign (the former signer, reference)",
      unit: "per_s",
      vault: s("noble"),
      baseline: reference,
      ratio: s("noble").median / webcrypto.median,
      ratioSpread: roundRatios(rates.noble, rates.webcrypto),
    },
    {
      group,
      name: "in worker: AES-GCM decrypt of the key alone (breakdown)",
      unit: "per_s",
      vault: s("aesgcm"),
      baseline: reference,
      ratio: s("aesgcm").median / webcrypto.median,
      ratioSpread: roundRatios(rates.aesgcm, rates.webcrypto),
    },
    {
      group,
      name: "in worker: noble's first p256.sign in a fresh copy",
      unit: "ms",
      vault: { value: first.firstNobleSignMs },
      baseline: { label: "its second sign", figure: { value: first.secondNobleSignMs } },
      ratio: first.firstNobleSignMs / first.secondNobleSignMs,
      note: "one sample (a fresh copy of noble can be first only once); the cold-start rows show it in the real worker",
    },
  ];
}

type PageSide = "vault" | "sdk";

function timeStamps(page: Page, side: PageSide, n: number, payload: string): Promise<number[]> {
  return page.evaluate(
    async ([side, n, payload]) => {
      const stamp = side === "vault" ? () => (window as unknown as BenchWindow).turnkeySession.stamp!(payload) : () => (window as unknown as BenchWindow).benchSdk.stamp(payload);
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await stamp();
        times.push(performance.now() - t0);
      }
      return times;
    },
    [side, n, payload] as const,
  );
}

/** Raw (r ‖ s) signatures as core's signUpWithOtp asks for them: the vault's `sign` with the session's key, or the SDK's stamper in the page. */
function timeSigns(page: Page, side: PageSide, n: number, payload: string, publicKey: string): Promise<number[]> {
  return page.evaluate(
    async ([side, n, payload, publicKey]) => {
      const w = window as unknown as BenchWindow;
      const sign = side === "vault" ? () => w.turnkeySession.sign!(payload, { publicKey, format: "raw" }) : () => w.benchSdk.sign(payload, "raw");
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await sign();
        times.push(performance.now() - t0);
      }
      return times;
    },
    [side, n, payload, publicKey] as const,
  );
}

async function signFromPage(ctx: BenchContext, page: Page, payload: string, keys: Record<PageSide, string>): Promise<Row[]> {
  for (const side of ["vault", "sdk"] as const) {
    const signature = await page.evaluate(
      ([side, payload, publicKey]) => {
        const w = window as unknown as BenchWindow;
        return (side === "vault" ? w.turnkeySession.sign!(payload, { publicKey, format: "raw" }) : w.benchSdk.sign(payload, "raw")) as Promise<string>;
      },
      [side, payload, keys[side]] as const,
    );
    if (!p256.verify(hexToBytes(signature), utf8Encode(payload), hexToBytes(keys[side]), { format: "compact", lowS: false })) {
      throw new Error(`${side}'s raw signature does not verify over the payload`);
    }
  }
  const perRound = ctx.quick ? 25 : 50;
  const rounds = ctx.quick ? 3 : 12;
  await timeSigns(page, "vault", perRound, payload, keys.vault);
  await timeSigns(page, "sdk", perRound, payload, keys.sdk);
  const times: Record<PageSide, number[][]> = { vault: [], sdk: [] };
  for (let r = 0; r < rounds; r++) {
    const order: PageSide[] = r % 2 === 0 ? ["vault", "sdk"] : ["sdk", "vault"];
    for (const side of order) times[side].push(await timeSigns(page, side, perRound, payload, keys[side]));
  }
  const [vaultLatency, sdkLatency] = [summarize(times.vault.flat()), summarize(times.sdk.flat())];
  return [
    {
      group: "3. Stamping",
      name: 'page: turnkeySession.sign(payload, { publicKey, format: "raw" }), latency per call',
      unit: "ms",
      vault: vaultLatency,
      baseline: { label: "@turnkey/core in-page stamper's sign(payload, raw)", figure: sdkLatency },
      ratio: vaultLatency.median / sdkLatency.median,
      ratioSpread: roundRatios(times.vault, times.sdk),
      note: `${rounds} interleaved rounds of ${perRound} sequential signatures; one of each verified in Node`,
    },
  ];
}

async function fromPage(ctx: BenchContext, payload: string): Promise<Row[]> {
  const { page, vaultLogin, sdkLogin } = await openSdkPage(ctx);
  try {
    verifyStamp((await page.evaluate((p) => (window as unknown as BenchWindow).turnkeySession.stamp!(p), payload)) as { stampHeaderName: string; stampHeaderValue: string }, payload, "the vault");
    verifyStamp(await page.evaluate((p) => (window as unknown as BenchWindow).benchSdk.stamp(p), payload), payload, "the SDK");
    const perRound = ctx.quick ? 25 : 50;
    const rounds = ctx.quick ? 3 : 12;
    await timeStamps(page, "vault", perRound, payload);
    await timeStamps(page, "sdk", perRound, payload);
    const times: Record<PageSide, number[][]> = { vault: [], sdk: [] };
    for (let r = 0; r < rounds; r++) {
      const order: PageSide[] = r % 2 === 0 ? ["vault", "sdk"] : ["sdk", "vault"];
      for (const side of order) times[side].push(await timeStamps(page, side, perRound, payload));
    }
    // Throughput per round (sequential stamps), and latency per call.
    const rate = (rounds: number[][]) => rounds.map((t) => [t.length / (t.reduce((a, b) => a + b, 0) / 1000)]);
    const vaultRate = rate(times.vault);
    const sdkRate = rate(times.sdk);
    const group = "3. Stamping";
    const label = "@turnkey/core in-page IndexedDB stamper";
    const vaultLatency = summarize(times.vault.flat());
    const sdkLatency = summarize(times.sdk.flat());
    return [
      {
        group,
        name: "page: turnkeySession.stamp(payload), sequential throughput",
        unit: "per_s",
        vault: summarize(vaultRate.flat()),
        baseline: { label, figure: summarize(sdkRate.flat()) },
        ratio: summarize(vaultRate.flat()).median / summarize(sdkRate.flat()).median,
        ratioSpread: roundRatios(vaultRate, sdkRate),
        note: `${rounds} interleaved rounds of ${perRound} sequential stamps; both verified in Node; ratio = vault rate / SDK rate (higher is better)`,
      },
      {
        group,
        name: "page: turnkeySession.stamp(payload), latency per call",
        unit: "ms",
        vault: vaultLatency,
        baseline: { label, figure: sdkLatency },
        ratio: vaultLatency.median / sdkLatency.median,
        ratioSpread: roundRatios(times.vault, times.sdk),
      },
      ...(await signFromPage(ctx, page, payload, { vault: vaultLogin.publicKey, sdk: sdkLogin.publicKey })),
    ];
  } finally {
    await page.close();
  }
}

export const stamp: Measure = {
  id: "stamp",
  title: "3. Stamping",
  async run(ctx: BenchContext): Promise<MeasureResult> {
    const payload = stampLoginBody();
    const worker = await ctx.browser.vault.worker();
    const rows = await inWorker(ctx, worker, payload);
    rows.push(...(await fromPage(ctx, payload)));
    return { rows };
  },
};

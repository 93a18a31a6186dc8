/**
 * The static server for the benchmark pages, on 127.0.0.1 only. Every answer carries
 * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`,
 * so the pages are cross-origin isolated and `performance.now()` has Chromium's fine (5 µs)
 * resolution instead of the coarse 100 µs it has in ordinary pages: sub-millisecond round trips
 * are measured per call rather than guessed from batches. This affects the vault and its
 * baselines alike (they run in the same page), and requests to the Turnkey stand-in still work
 * (CORS-mode fetches are not subject to CORP).
 */
import { createServer, type Server } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";

export interface BenchServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  url(path: string): string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
};

/** Serves the first of `roots` that has the requested file. */
export async function startBenchServer(roots: string[]): Promise<BenchServer> {
  const server: Server = createServer(async (req, res) => {
    const pathname = new URL(req.url ?? "/", "http://bench.invalid").pathname;
    const relative = pathname === "/" ? "/index.html" : decodeURIComponent(pathname);
    let body: Buffer | undefined;
    let file = "";
    for (const root of roots) {
      file = normalize(join(root, relative));
      if (!file.startsWith(join(root, sep))) continue;
      body = await readFile(file).catch(() => undefined);
      if (body) break;
    }
    const headers = {
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Embedder-Policy": "require-corp",
      "Cache-Control": "no-store",
    };
    if (!body) {
      res.writeHead(404, { ...headers, "Content-Type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, { ...headers, "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as { port: number };
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: (path) => new URL(path, origin).href,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

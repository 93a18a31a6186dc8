/**
 * A tiny static server for the demo dApp (`e2e/demo/dapp/`) on loopback only. It listens on
 * one port on both 127.0.0.1 and ::1, so `http://127.0.0.1:<port>` and `http://localhost:<port>`
 * both reach it: two origins, hence two separate vaults, for isolation tests. Pages learn
 * where the Turnkey stand-in is from the `?standin=` query parameter that `url()` adds.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The demo dApp's files. */
export const DAPP_ROOT = fileURLToPath(new URL("../demo/dapp/", import.meta.url));

export interface DappServer {
  /** `[http://127.0.0.1:<port>, http://localhost:<port>]`: the same files, two origins. */
  origins: [string, string];
  /** A page URL on `origin` (default path `/`, the dApp), with `?standin=` when one was given. */
  url(origin: string, path?: string): string;
  close(): Promise<void>;
}

export interface DappServerOptions {
  /** The stand-in's base URL, passed to pages as `?standin=`. */
  standinUrl?: string;
  /** The directory to serve; default the demo dApp. */
  root?: string;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** The file under `root` that a request path names, or undefined if it names none. */
function fileFor(root: string, pathname: string): string | undefined {
  try {
    const file = normalize(join(root, decodeURIComponent(pathname === "/" ? "/index.html" : pathname)));
    return file.startsWith(join(root, sep)) ? file : undefined;
  } catch {
    return undefined; // malformed %-escape
  }
}

function staticHandler(root: string) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    const file = fileFor(root, new URL(req.url ?? "/", "http://dapp.invalid").pathname);
    const body = file && (await readFile(file).catch(() => undefined));
    if (!file || !body) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream", "Cache-Control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : body);
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

const closeServer = (s: Server) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); });

/** Starts the server on a random free port. */
export async function startDappServer(opts: DappServerOptions = {}): Promise<DappServer> {
  const handler = staticHandler(opts.root ?? DAPP_ROOT);
  for (let attempt = 0; ; attempt++) {
    const v4 = createServer(handler);
    const port = await listen(v4, "127.0.0.1", 0);
    const v6 = createServer(handler);
    const v6Error = await listen(v6, "::1", port).then(() => undefined, (e: NodeJS.ErrnoException) => e);
    // No IPv6 loopback at all is fine (localhost then resolves to 127.0.0.1); a taken port is not.
    if (v6Error?.code === "EADDRINUSE" && attempt < 5) { await closeServer(v4); continue; }
    if (v6Error && v6Error.code !== "EADDRNOTAVAIL" && v6Error.code !== "EAFNOSUPPORT") { await closeServer(v4); throw v6Error; }
    const servers = v6Error ? [v4] : [v4, v6];

    return {
      origins: [`http://127.0.0.1:${port}`, `http://localhost:${port}`],
      url(origin, path = "/") {
        const u = new URL(path, origin);
        if (opts.standinUrl) u.searchParams.set("standin", opts.standinUrl);
        return u.href;
      },
      close: () => Promise.all(servers.map(closeServer)).then(() => {}),
    };
  }
}

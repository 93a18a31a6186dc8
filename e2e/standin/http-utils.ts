/**
 * Small node:http helpers for the stand-in: bounded body reading, JSON replies and CORS.
 *
 * Every reply allows any origin, so extension service workers and web pages can call the
 * stand-in directly; preflights allow the headers Turnkey's clients send (`@turnkey/http`, and
 * `@turnkey/core`'s `__generated__/sdk-client-base.mjs`: attested stamps and the auth proxy's).
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** Requests with a larger body are refused. */
export const MAX_BODY_BYTES = 1024 * 1024;

const CORS_HEADERS = { "Access-Control-Allow-Origin": "*" };

/** Reads the whole body; past MAX_BODY_BYTES it keeps draining but returns nothing. */
export async function readBody(request: IncomingMessage): Promise<{ bytes: Buffer; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_BODY_BYTES
    ? { bytes: Buffer.alloc(0), tooLarge: true }
    : { bytes: Buffer.concat(chunks), tooLarge: false };
}

/**
 * Sends `body` (already serialised) with CORS headers.
 * @returns false, sending nothing, if the connection is already gone.
 */
export function send(response: ServerResponse, status: number, body: string): boolean {
  if (response.destroyed || response.headersSent) return false;
  response.writeHead(status, {
    ...CORS_HEADERS,
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
  });
  response.end(body);
  return true;
}

/** Answers a CORS preflight (including Chrome's Private Network Access one). */
export function answerPreflight(request: IncomingMessage, response: ServerResponse): void {
  const headers: Record<string, string> = {
    ...CORS_HEADERS,
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, X-Stamp, X-Stamp-Webauthn, X-Stamp-Attested, X-Client-Version, X-Auth-Proxy-Config-ID, X-Captcha-Token",
    "Access-Control-Max-Age": "600",
  };
  if (request.headers["access-control-request-private-network"] === "true") {
    headers["Access-Control-Allow-Private-Network"] = "true";
  }
  response.writeHead(204, headers);
  response.end();
}

/** Node's header map flattened to one string per (lower-case) name. */
export function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

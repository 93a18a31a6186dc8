/**
 * Runs the Turnkey stand-in from the command line: `npx tsx e2e/standin/main.ts`.
 *
 * Listens on 127.0.0.1:$STANDIN_PORT (default 8787; 0 picks a free port), prints its URL, its
 * auth proxy URL and its notarizer and OTP signer public keys, and stops cleanly on SIGINT or SIGTERM.
 */
import { startStandin } from "./server.ts";

const DEFAULT_PORT = 8787;

function portFromEnv(value: string | undefined): number {
  if (value === undefined || value === "") return DEFAULT_PORT;
  const port = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) {
    console.error(`STANDIN_PORT must be a port number from 0 to 65535, got ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return port;
}

const standin = await startStandin({ port: portFromEnv(process.env.STANDIN_PORT) });
console.log(`Turnkey stand-in listening on ${standin.url}`);
console.log(`Notarizer public key: ${standin.notarizerPublicKey}`);
console.log(`Auth proxy: ${standin.authProxyUrl} (configurations: POST /__standin/auth-proxy-configs)`);
console.log(`OTP signer public key: ${standin.otpSignerPublicKey}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    standin.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("Turnkey stand-in: failed to close", error);
        process.exit(1);
      },
    );
  });
}

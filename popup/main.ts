/** The popup: lists the vault's sessions and refreshes or logs them out. */
import { TurnkeyError } from "../shared/errors.ts";
import type { SessionEntry } from "../shared/protocol.ts";
import { renderSessions } from "./session-list.ts";
import { connectToVault } from "./vault-connection.ts";

const vault = connectToVault();
const container = document.querySelector<HTMLElement>("#sessions")!;

async function show(): Promise<void> {
  renderSessions(container, await vault.listSessions(), { refresh, logout });
}

function report(error: unknown): void {
  const message = error instanceof TurnkeyError ? `${error.code}: ${error.message}` : String(error);
  container.prepend(Object.assign(document.createElement("p"), { className: "error", role: "alert", textContent: message }));
}

async function refresh(entry: SessionEntry): Promise<void> {
  await vault.refreshSession(entry.origin, entry.sessionKey).catch(report);
  await show();
}

async function logout(entry: SessionEntry): Promise<void> {
  await vault.logout(entry.origin, entry.sessionKey).catch(report);
  await show();
}

document.querySelector("#refresh-all")!.addEventListener("click", async () => {
  const entries = await vault.listSessions();
  await Promise.all(entries.map((entry) => vault.refreshSession(entry.origin, entry.sessionKey).catch(report)));
  await show();
});

void show();

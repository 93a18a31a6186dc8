/** What core left in the page is removed: its `@turnkey/…` keys, the session slots it listed, its key database. Nothing else. */
import { expect, test } from "vitest";
import { fakeIndexedDb, MemoryStorage } from "./fake-vault.fixture.ts";
import { purgePageSessions } from "./purge-page-sessions.ts";

test("removes core's sessions and key database, keeps the app's own values", async () => {
  const storage = new MemoryStorage();
  const session = JSON.stringify({ token: "a.b.c", publicKey: "02ab", organizationId: "o" });
  storage.setItem("@turnkey/session/v3", session);
  storage.setItem("my-slot", session); // a custom sessionKey, named only in the index
  storage.setItem("@turnkey/all-session-keys", JSON.stringify(["@turnkey/session/v3", "my-slot", "theme"]));
  storage.setItem("@turnkey/active-session-key", JSON.stringify("my-slot"));
  storage.setItem("@turnkey/session/v2", "a.b.c"); // @turnkey/sdk-browser's
  storage.setItem("theme", "dark"); // listed by mistake, but not a session
  storage.setItem("google_verifier", "pkce"); // react-wallet-kit's OAuth state stays
  const indexedDB = fakeIndexedDb();

  await purgePageSessions(storage, indexedDB);

  expect(storage.keys().sort()).toEqual(["google_verifier", "theme"]);
  expect(indexedDB.deleted).toEqual(["TurnkeyStamperDB"]);
});

test("a malformed index and an empty page are fine", async () => {
  const storage = new MemoryStorage();
  storage.setItem("@turnkey/all-session-keys", "{not json");
  storage.setItem("other", "1");
  await purgePageSessions(storage, fakeIndexedDb());
  expect(storage.keys()).toEqual(["other"]);
  await expect(purgePageSessions(new MemoryStorage(), undefined)).resolves.toBeUndefined();
});

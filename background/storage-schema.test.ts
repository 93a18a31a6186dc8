import { describe, expect, it } from "vitest";
import { memoryStore } from "../extension/memory-store.ts";
import { migrateStorage, type Migration } from "./storage-schema.ts";

describe("migrateStorage", () => {
  it("marks a fresh or unmarked store as version 1", async () => {
    const store = memoryStore({ "origin:https://a.test": { v: 1, sessions: {} } });
    const items = await migrateStorage(store, await store.getAll());
    expect(items.schema).toEqual({ version: 1 });
    expect(store.data.get("schema")).toEqual({ version: 1 });
  });

  it("runs each step in order and writes each before the next", async () => {
    const steps: Record<number, Migration> = {
      1: (items) => ({ set: { b: `${items.a}+1` }, remove: ["a"] }),
      2: (items) => ({ set: { c: `${items.b}+2` }, remove: ["b"] }),
    };
    const store = memoryStore({ schema: { version: 1 }, a: "x" });
    const items = await migrateStorage(store, await store.getAll(), steps, 3);
    expect(items).toEqual({ schema: { version: 3 }, c: "x+1+2" });
    expect(Object.fromEntries(store.data)).toEqual(items);
  });

  it("resumes from the step a killed worker reached", async () => {
    const store = memoryStore({ schema: { version: 2 }, b: "y" });
    const items = await migrateStorage(store, await store.getAll(), { 2: (i) => ({ set: { c: i.b }, remove: ["b"] }) }, 3);
    expect(items).toEqual({ schema: { version: 3 }, c: "y" });
  });

  it("refuses a newer format and a gap in the steps, writing nothing", async () => {
    const newer = memoryStore({ schema: { version: 9 } });
    await expect(migrateStorage(newer, await newer.getAll())).rejects.toMatchObject({ code: "API_KEY_STORAGE_UNAVAILABLE" });
    const gap = memoryStore({ schema: { version: 1 } });
    await expect(migrateStorage(gap, await gap.getAll(), {}, 2)).rejects.toMatchObject({ code: "API_KEY_STORAGE_UNAVAILABLE" });
    expect(Object.fromEntries(gap.data)).toEqual({ schema: { version: 1 } });
  });
});

import { describe, expect, it } from "vitest";
import { coalesce } from "./coalesce.ts";

describe("coalesce", () => {
  it("runs once more after a run for any number of calls made during it", async () => {
    let runs = 0;
    let release: () => void = () => {};
    const run = coalesce(async () => {
      runs++;
      if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = run();
    void run();
    void run();
    release();
    await first;
    expect(runs).toBe(2);
    await run();
    expect(runs).toBe(3);
  });
});

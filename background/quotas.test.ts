import { describe, expect, it } from "vitest";
import { RateLimiter } from "./quotas.ts";

describe("RateLimiter", () => {
  it("allows a burst, then refills at its rate, per origin", () => {
    const clock = { now: 0 };
    const limiter = new RateLimiter(() => clock.now, 5, 10);
    for (let i = 0; i < 5; i++) limiter.take("https://a.test");
    expect(() => limiter.take("https://a.test")).toThrow(expect.objectContaining({ code: "FORBIDDEN" }));
    limiter.take("https://b.test"); // another origin has its own budget
    clock.now += 100; // 10 per second: one more call
    limiter.take("https://a.test");
    expect(() => limiter.take("https://a.test")).toThrow(expect.objectContaining({ code: "FORBIDDEN" }));
  });
});

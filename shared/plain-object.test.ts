import { describe, expect, it } from "vitest";
import { fromOtherRealm } from "./other-realm.fixture.ts";
import { isPlainObject } from "./plain-object.ts";

describe("isPlainObject", () => {
  it("accepts {…} and null-prototype objects of this realm", () => {
    expect(isPlainObject({ a: 1 })).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
  });

  it("accepts {…} and null-prototype objects of another realm (Firefox's page objects)", () => {
    const page = fromOtherRealm<object>("{ sessionKey: 'k' }");
    expect(Object.getPrototypeOf(page)).not.toBe(Object.prototype);
    expect(isPlainObject(page)).toBe(true);
    expect(isPlainObject(fromOtherRealm("Object.create(null)"))).toBe(true);
  });

  it.each([
    ["null", null],
    ["a string", "x"],
    ["an array", [1]],
    ["a Map", new Map()],
    ["a Date", new Date()],
    ["a class instance", new (class Session {})()],
    ["a function", () => 1],
    ["an object inheriting from a plain object", Object.create({ channel: "stamp-reply" })],
  ])("refuses %s of this realm", (_, value) => expect(isPlainObject(value)).toBe(false));

  it.each([
    ["an array", "[1]"],
    ["a Map", "new Map()"],
    ["a Date", "new Date()"],
    ["a class instance", "new (class Session {})()"],
    ["an object inheriting from a plain object", "Object.create({ channel: 'stamp-reply' })"],
  ])("refuses %s of another realm", (_, source) => expect(isPlainObject(fromOtherRealm(source))).toBe(false));
});

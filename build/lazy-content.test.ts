/** The generated lazy modules: one function declaration at module level, which returns the source module's exports. */
import { describe, expect, it } from "vitest";
import { parseAst } from "vite";
import { LAZY_MODULES, bundleLazy } from "./lazy-content.ts";

describe.each(LAZY_MODULES)("bundleLazy($source)", ({ source, loader }) => {
  const generated = bundleLazy(source, loader);

  it("has one statement at module level: the exported loader function", async () => {
    const { body } = parseAst(await generated);
    expect(body).toHaveLength(1);
    expect(body[0]).toMatchObject({ type: "ExportNamedDeclaration", declaration: { type: "FunctionDeclaration", id: { name: loader } } });
  });

  it("its loader evaluates the whole bundle and returns the source module's exports", async () => {
    const code = (await generated).replace(/^export function/m, "function");
    const load = new Function(`${code}\nreturn ${loader};`)() as () => Record<string, unknown>;
    const source_ = (await import(/* @vite-ignore */ `../${source}`)) as Record<string, unknown>;
    const exports = load();
    expect(Object.keys(exports).sort()).toEqual(Object.keys(source_).sort());
    for (const [name, value] of Object.entries(source_)) expect(typeof exports[name]).toBe(typeof value);
    expect(load()).not.toBe(exports); // a new evaluation per call: the stubs call it once and keep the result
  });
});

/** The content scripts' lazy parts as the build makes them (build/lazy-content.ts). */
import { describe, expect, it } from "vitest";
import { parseAst } from "vite";
import { LAZY_FUNCTIONS, LAZY_MODULES, bundleLazyFunction, bundleLazyModule } from "./lazy-content.ts";

const dataUrl = (code: string) => `data:text/javascript;base64,${Buffer.from(code).toString("base64")}`;

describe.each(LAZY_FUNCTIONS)("bundleLazyFunction($source)", ({ source, loader }) => {
  const generated = bundleLazyFunction(source, loader);

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

describe.each(LAZY_MODULES)("bundleLazyModule($source)", ({ source }) => {
  const built = bundleLazyModule(source);

  it("imports nothing, so that import() of its URL fetches this one file", async () => {
    const { body } = parseAst(await built);
    expect(body.filter((node) => node.type === "ImportDeclaration" || node.type === "ExportAllDeclaration")).toEqual([]);
    expect(await built).not.toMatch(/\bimport\s*\(/);
  });

  it("exports what the source module exports", async () => {
    const module_ = (await import(/* @vite-ignore */ dataUrl(await built))) as Record<string, unknown>;
    const source_ = (await import(/* @vite-ignore */ `../${source}`)) as Record<string, unknown>;
    expect(Object.keys(module_).sort()).toEqual(Object.keys(source_).sort());
    for (const [name, value] of Object.entries(source_)) expect(typeof module_[name]).toBe(typeof value);
  });
});

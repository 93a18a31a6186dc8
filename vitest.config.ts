import { defineConfig } from "vitest/config";

// Unit tests run in Node: pure logic with injected fakes, plus the stand-in's own tests.
export default defineConfig({
  test: {
    include: ["{background,build,content,popup,shared,extension,e2e,docs,client}/**/*.test.ts"],
    environment: "node",
    exclude: ["**/node_modules/**", "client/dist/**"],
    testTimeout: 20_000,
  },
});

/** Machine facts for the report header. */
import { execFileSync } from "node:child_process";
import * as os from "node:os";

export const nproc = (): number => {
  try {
    return Number(execFileSync("nproc", { encoding: "utf8" }).trim());
  } catch {
    return os.availableParallelism();
  }
};
export const cpus = (): string => `${os.cpus()[0]?.model ?? "unknown"} (${os.cpus().length} logical)`;
export const release = (): string => `${os.type()} ${os.release()} ${os.arch()}`;
export const totalmem = (): number => os.totalmem();

import os from "node:os";

/** The machine a benchmark ran on, as shown in every report. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memory: string;
  node: string;
  os: string;
}

/** Reads the CPU model, core count, memory, Node.js version and kernel release. */
export function readMachineInfo(): MachineInfo {
  const cpus = os.cpus();

  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

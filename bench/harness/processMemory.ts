import { readFileSync, writeFileSync } from 'node:fs';

const field = (pid: number, name: 'VmRSS' | 'VmHWM') =>
  Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/** Resident memory of a process now, in MiB, from /proc. */
export const rssMb = (pid: number) => field(pid, 'VmRSS');

/** The most resident memory a process has had since it started or since `resetPeak`, in MiB. */
export const peakRssMb = (pid: number) => field(pid, 'VmHWM');

/** Starts a new peak from now (the kernel's clear_refs 5), so a phase's own peak can be read. */
export function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

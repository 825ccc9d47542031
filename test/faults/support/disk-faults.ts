import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Store faults on a real file system, made the ways that work for root (tests run as root, where
 * chmod stops nothing): `chattr +i` makes files immutable (writes through open descriptors fail
 * with EPERM), and a small tmpfs filled to the last byte is a full disk.
 */

function run(command: string, args: string[]): { ok: boolean; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return {
    ok: result.status === 0,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ?? ''}`.trim(),
  };
}

/** Why a fault cannot be made here, or undefined when it can (checked by making it once). */
export function readOnlyUnsupported(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'journeys-faults-probe-'));
  const file = join(dir, 'probe');
  writeFileSync(file, 'x');
  try {
    const set = run('chattr', ['+i', file]);
    if (!set.ok) return `chattr +i does not work here (${set.output || 'no chattr'})`;
    run('chattr', ['-i', file]);
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function diskFullUnsupported(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'journeys-faults-probe-'));
  try {
    const mounted = run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
    if (!mounted.ok) return `mount -t tmpfs is not allowed here (${mounted.output || 'no mount'})`;
    run('umount', [dir]);
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The SQLite files of the data directory, and the directory itself, made immutable. The shared-memory
 * index (`-shm`) stays writable: SQLite writes it through mmap, and an immutable mapping kills the
 * process with SIGBUS (a real read-only remount is refused while files are open for writing anyway).
 */
export function makeReadOnly(dataDir: string): void {
  for (const target of [...sqliteFiles(dataDir), dataDir]) {
    const result = run('chattr', ['+i', target]);
    if (!result.ok) throw new Error(`chattr +i ${target}: ${result.output}`);
  }
}

export function clearReadOnly(dataDir: string): void {
  for (const target of [dataDir, ...sqliteFiles(dataDir)]) run('chattr', ['-i', target]);
}

function sqliteFiles(dataDir: string): string[] {
  return readdirSync(dataDir)
    .filter((name) => name.endsWith('.sqlite') || name.endsWith('.sqlite-wal'))
    .map((name) => join(dataDir, name));
}

/** A data directory on its own small tmpfs, which {@link fillDisk} can fill. */
export function mountSmallDisk(sizeMiB: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'journeys-faults-disk-'));
  const mounted = run('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', dir]);
  if (!mounted.ok) throw new Error(`mount tmpfs on ${dir}: ${mounted.output}`);
  return dir;
}

export function unmountSmallDisk(dir: string): void {
  run('umount', ['-l', dir]);
  rmSync(dir, { recursive: true, force: true });
}

const FILLER = 'filler.bin';

/** Writes a filler file until the disk refuses another byte. */
export function fillDisk(dir: string): void {
  const fd = openSync(join(dir, FILLER), 'w');
  const block = Buffer.alloc(64 * 1024, 1);
  try {
    for (let size = block.length; size >= 1;) {
      try {
        writeSync(fd, block, 0, size);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
        size = Math.floor(size / 2);
      }
    }
  } finally {
    closeSync(fd);
  }
}

export function freeDisk(dir: string): void {
  if (existsSync(join(dir, FILLER))) rmSync(join(dir, FILLER));
}

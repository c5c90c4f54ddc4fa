/** Files nsx writes for the user who ran it: opened by that user's own process, never by root. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliError } from './elevate';

const WRITE_FAILURES: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of its path is not a directory',
  ENOSPC: 'no space is left on the device',
  EROFS: 'the file system is read-only',
};

function cannotWrite(file: string, err: unknown): CliError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const why =
    code === 'ENOENT'
      ? `its directory ${path.dirname(path.resolve(file))} does not exist`
      : (WRITE_FAILURES[code] ?? (err as Error).message);
  return new CliError(`cannot write ${file}: ${why}`);
}

export function writeOutput(file: string, text: string): void {
  try {
    fs.writeFileSync(file, text);
  } catch (err) {
    throw cannotWrite(file, err);
  }
}

/** A file opened for writing, which another process (root's tcpdump) may be given to write into. */
export interface OpenedFile {
  fd: number;
  /** Closes it; a file made here that nothing was written to is removed again. */
  close(): void;
}

/** Opens FILE for writing, readable by its owner only (captured traffic may hold secrets). */
export function openForWriting(file: string): OpenedFile {
  const existed = fs.existsSync(file);
  let fd: number;
  try {
    fd = fs.openSync(file, 'w', 0o600);
  } catch (err) {
    throw cannotWrite(file, err);
  }
  return {
    fd,
    close() {
      const empty = fs.fstatSync(fd).size === 0;
      fs.closeSync(fd);
      if (empty && !existed) fs.rmSync(file, { force: true });
    },
  };
}

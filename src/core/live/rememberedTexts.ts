/**
 * What naming reads of processes at every snapshot (status, command line, cgroup: the
 * labels, the sandboxes' makers, the containers' runtimes), read once per process until
 * the live engine reads that process whole again: at an exec, and at least once in its
 * slow turn (a cgroup can change under the same program). A snapshot that changed because
 * one process started reads the texts of that one, not of every namespace's.
 */
import { ProcSource } from '../linux/procfs';

type TextName = 'status' | 'cmdline' | 'cgroup';

export class RememberedTexts extends ProcSource {
  private readonly texts = new Map<number, Partial<Record<TextName, string>>>();

  constructor(proc: ProcSource) {
    super(proc.procRoot, proc.passwdPath);
  }

  /** PID was read again, or is gone: its texts are read again when next asked. */
  forget(pid: number): void {
    this.texts.delete(pid);
  }

  protected override smallFile(pid: number, name: TextName): string {
    const known = this.texts.get(pid)?.[name];
    if (known !== undefined) return known;
    const text = super.smallFile(pid, name); // a process gone throws, and nothing is kept
    const texts = this.texts.get(pid) ?? {};
    texts[name] = text;
    this.texts.set(pid, texts);
    return text;
  }
}

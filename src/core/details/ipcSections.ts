/** An IPC namespace's details as sections: a table per kind of System V object, and POSIX message queues. */
import { Cell, Section, table, textCell } from './sectionParts';
import { IpcDetails } from './types';

type Objects<K extends keyof IpcDetails> = NonNullable<IpcDetails[K]>;

export function ipcSections(d: IpcDetails): Section[] {
  const out: Section[] = [];
  if (d.messageQueues) out.push(messageQueuesSection(d.messageQueues));
  if (d.semaphores) out.push(semaphoresSection(d.semaphores));
  if (d.sharedMemory) out.push(sharedMemorySection(d.sharedMemory));
  if (d.posixQueues) out.push(posixQueuesSection(d.posixQueues));
  return out;
}

function messageQueuesSection(queues: Objects<'messageQueues'>): Section {
  return table(
    'ipc-msg',
    'System V message queues',
    ['Key', 'ID', 'Owner', 'Perms', 'Messages', 'Bytes'],
    queues.map((q) => [
      textCell(q.key),
      textCell(q.id),
      ownerCell(q),
      textCell(q.perms),
      textCell(q.messages),
      textCell(q.bytes),
    ]),
    'none',
  );
}

function semaphoresSection(sets: Objects<'semaphores'>): Section {
  return table(
    'ipc-sem',
    'System V semaphore sets',
    ['Key', 'ID', 'Owner', 'Perms', 'Semaphores'],
    sets.map((s) => [textCell(s.key), textCell(s.id), ownerCell(s), textCell(s.perms), textCell(s.nsems)]),
    'none',
  );
}

function sharedMemorySection(segments: Objects<'sharedMemory'>): Section {
  return table(
    'ipc-shm',
    'System V shared memory',
    ['Key', 'ID', 'Owner', 'Perms', 'Bytes', 'Attached'],
    segments.map((m) => [
      textCell(m.key),
      textCell(m.id),
      ownerCell(m),
      textCell(m.perms),
      textCell(m.bytes),
      textCell(m.attached),
    ]),
    'none',
  );
}

function posixQueuesSection(queues: Objects<'posixQueues'>): Section {
  return table(
    'ipc-mq',
    'POSIX message queues',
    ['Name', 'Owner', 'Perms', 'Bytes queued'],
    queues.map((q) => [textCell(q.name), ownerCell(q), textCell(q.perms), textCell(q.bytes)]),
    'none',
  );
}

/** The owner by name; by UID where the name is not known. */
function ownerCell(o: { ownerUid: number; owner: string | null }): Cell {
  return textCell(o.owner ?? o.ownerUid);
}

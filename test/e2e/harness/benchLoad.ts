/** The benchmark's namespace load (bench/load.mjs, plain JavaScript), built for a test and removed after it. */
import type { TestContext } from 'node:test';

interface LoadModule {
  Tracker: new () => { teardown(): Promise<void> };
  buildNamespaceLoad(
    tracker: unknown,
    opts: { procs: number; namespaces: number },
  ): Promise<{ namespaces: number; processes: number }>;
}

/** PROCS processes in NAMESPACES new namespaces, removed when the test ends; says what was built. */
export async function benchLoad(t: TestContext, procs: number, namespaces: number): Promise<void> {
  const loadModule = '../../../bench/load.mjs';
  const { Tracker, buildNamespaceLoad } = (await import(loadModule)) as LoadModule;
  const tracker = new Tracker();
  t.after(() => tracker.teardown());
  const load = await buildNamespaceLoad(tracker, { procs, namespaces });
  t.diagnostic(`load: ${load.processes} processes in ${load.namespaces} new namespaces`);
}

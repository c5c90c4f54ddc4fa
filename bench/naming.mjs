/**
 * What naming containers costs (`npm run bench`, part `containers`, root): with COUNT
 * containers running on a private dockerd (bench/containers.mjs), a full scan
 * (discover(), as `nsx list` makes it) and naming its containers (nameContainers()) are
 * timed in turn in this process, each run on a fresh scan, and the medians compared.
 * In-process, so that node's start-up, the same for both, does not hide the difference.
 */
import { tsImport } from 'tsx/esm/api';
import { ms, stats, table } from './measure.mjs';

const NAMING_TARGET = 0.2; // naming may add at most this fraction to a full scan

const core = (file) => tsImport(`../src/core/${file}`, import.meta.url);

export async function namingBench(load, { runs }) {
  const [{ discover }, { nameContainers }] = await Promise.all([
    core('discovery/discover.ts'),
    core('containers/index.ts'),
  ]);
  const scans = [];
  const namings = [];
  let named = 0;
  // One warm-up run, then RUNS timed ones.
  for (let i = 0; i <= runs; i++) {
    let t = performance.now();
    const snapshot = discover({ detail: 'namespaces' });
    const scanMs = performance.now() - t;
    t = performance.now();
    await nameContainers(snapshot);
    const namingMs = performance.now() - t;
    if (i === 0) continue;
    scans.push(scanMs);
    namings.push(namingMs);
    named = load.ids.filter((id) =>
      snapshot.containers.some((c) => c.id === id && c.name.startsWith('nsxbench-')),
    ).length;
  }
  const scan = stats(scans);
  const naming = stats(namings);
  const rows = [['step', 'median', 'min', 'max']];
  rows.push(['full scan (discover)', ms(scan.median), ms(scan.min), ms(scan.max)]);
  rows.push(['naming (nameContainers)', ms(naming.median), ms(naming.min), ms(naming.max)]);
  console.log(`\n${table(rows)}\n`);
  const share = naming.median / scan.median;
  console.log(
    `naming: ${named}/${load.ids.length} bench containers named; naming adds ${(share * 100).toFixed(1)}% to a ` +
      `full scan (naming median / scan median) - target < ${NAMING_TARGET * 100}%: ` +
      `${share < NAMING_TARGET ? 'MET' : 'NOT MET'}`,
  );
}

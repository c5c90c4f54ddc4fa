// A node:test reporter for scripts/test.mjs: counts what passed, failed and was skipped
// (with each skip's reason and each failure's name) and writes them as one JSON object to
// its destination, for the summary at the end of `npm test`. The spec reporter next to it
// prints the run itself.
export default async function* tally(source) {
  const counts = { tests: 0, passed: 0, failed: 0, skipped: 0, todo: 0 };
  const skips = [];
  const failures = [];
  for await (const { type, data } of source) {
    if (type !== 'test:pass' && type !== 'test:fail') continue;
    if (data.details?.type === 'suite') continue;
    counts.tests++;
    if (type === 'test:fail') {
      counts.failed++;
      failures.push({ name: data.name, file: data.file ?? null });
    } else if (data.skip !== undefined && data.skip !== false) {
      counts.skipped++;
      skips.push({ name: data.name, file: data.file ?? null, reason: typeof data.skip === 'string' ? data.skip : '' });
    } else if (data.todo !== undefined && data.todo !== false) {
      counts.todo++;
    } else {
      counts.passed++;
    }
  }
  yield `${JSON.stringify({ ...counts, skips, failures })}\n`;
}

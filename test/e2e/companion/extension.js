// The e2e tests' window on Namespace Explorer: on every change its API reports, the state
// is written to the file $NSX_E2E_STATE names (a temp file renamed over it, so that a
// reader never sees half of it). Plain JavaScript, packed as it is.
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, as VS Code loads it */
const { renameSync, writeFileSync } = require('node:fs');
const vscode = require('vscode');

/** What the tests ask about a snapshot; the whole one would be megabytes per change. */
function summary(snapshot) {
  if (!snapshot) return undefined;
  const members = new Map();
  for (const p of snapshot.processes) {
    for (const ino of Object.values(p.ns)) members.set(ino, [...(members.get(ino) ?? []), p.pid]);
  }
  return {
    takenAt: snapshot.takenAt,
    uid: snapshot.scanner.uid,
    processes: snapshot.processes.length,
    hidden: snapshot.hidden.total,
    namespaces: snapshot.namespaces.map((n) => ({
      ns: n.ns,
      type: n.type,
      label: n.label,
      nprocs: n.nprocs,
      pids: members.get(n.ns) ?? [],
    })),
  };
}

exports.activate = async (context) => {
  const file = process.env.NSX_E2E_STATE;
  if (!file) return;
  const api = await vscode.extensions.getExtension('namespace-explorer.namespace-explorer').activate();
  let seq = 0;
  let writingMs = 0;
  const write = () => {
    const started = performance.now();
    const snapshot = summary(api.snapshot);
    const findings = (api.findings ?? []).map((f) => ({ kind: f.kind, severity: f.severity, ns: f.ns, text: f.text }));
    const state = { seq: ++seq, elevated: api.elevated, selection: api.selection, snapshot, findings, writingMs };
    writeFileSync(`${file}.tmp`, JSON.stringify(state));
    renameSync(`${file}.tmp`, file);
    writingMs += performance.now() - started;
  };
  context.subscriptions.push(api.onDidChange(write));
  write();
};

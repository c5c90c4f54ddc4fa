/**
 * Imported first by main.ts: for a command that scans every process, the scan's helper
 * thread (scanHelper.ts) starts while the rest of nsx is still loading. A head start
 * only, guessed from the first argument: a wrong guess costs an idle thread.
 */
import { prestart } from '../core/discovery/scanHelper';

const SCANNING = new Set(['list', 'snapshot', 'tree', 'containers', 'net', 'show', 'propagation']);

if (SCANNING.has(process.argv[2] ?? '')) prestart();

/**
 * Everything nsx writes to its stdout and stderr goes out here, so that nothing that came
 * from the system (a process name, a bind mount's path, a tool's message) reaches a
 * terminal as control characters: root runs nsx on names any user chose.
 */
import { printable, terminalJson, withoutControls } from '../core/text/printable';

/**
 * Text for stdout from the renderers, which made each value printable where they placed
 * it (table() does it for cells), measuring what is shown.
 */
export function out(text: string): void {
  process.stdout.write(withoutControls(text));
}

/** A JSON document for stdout. */
export function outJson(json: string): void {
  process.stdout.write(terminalJson(json));
}

/** One line on stderr, `nsx: MESSAGE`; the message as it came, made printable here. */
export function say(message: string): void {
  process.stderr.write(`nsx: ${printable(message)}\n`);
}

/** A line of nsx's own words on stderr, for the person at the terminal. */
export function tell(line: string): void {
  process.stderr.write(`${withoutControls(line)}\n`);
}

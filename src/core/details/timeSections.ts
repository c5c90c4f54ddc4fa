/** A time namespace's details as a section: its clock offsets. */
import { fields, Section } from './sectionParts';
import { ClockOffset, TimeDetails } from './types';

export function timeSections(d: TimeDetails): Section[] {
  return [
    fields('time', 'Clock offsets', [
      ['Monotonic', offsetText(d.monotonic)],
      ['Boot time', offsetText(d.boottime)],
    ]),
  ];
}

function offsetText(o: ClockOffset | undefined): string | undefined {
  if (!o) return undefined;
  return o.nanoseconds ? `${o.seconds} s ${o.nanoseconds} ns` : `${o.seconds} s`;
}

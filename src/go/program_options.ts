// The kinds of value a program option takes (Program.options[k].kind), so a
// value given with --opt is checked before the run starts instead of
// failing inside the program halfway through it.

import { parseDuration, parseInteger, parseSize } from './units.ts';

/** 'duration' is Go's syntax (1h, 90s, 500ms, 2h30m); 'size' a byte count (512M, 4GiB); a list names the accepted words. */
export type OptionKind = 'string' | 'integer' | 'duration' | 'size' | readonly string[];

/** Why `value` is not of `kind` ("is not a duration (…)"), or null if it is. */
export function optionValueError(kind: OptionKind | undefined, value: string): string | null {
  if (kind === undefined || kind === 'string') return null;
  if (typeof kind !== 'string') return kind.includes(value) ? null : `is not one of ${kind.join(', ')}`;
  switch (kind) {
    case 'integer':
      return parseInteger(value) !== null ? null : 'is not an integer';
    case 'duration':
      return 'ns' in parseDuration(value) ? null : "is not a duration (Go's syntax: 1h, 90s, 500ms, 2h30m)";
    case 'size':
      return parseSize(value) !== null ? null : 'is not a size (bytes, or with a suffix: 512M, 4GiB)';
  }
}

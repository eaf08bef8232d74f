// Terminal tables: one compact cli-table3 style for every command.
import Table from 'cli-table3';

const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

export function makeTable(head: string[], align?: ('left' | 'right' | 'center')[]): InstanceType<typeof Table> {
  return new Table({ head, chars: COMPACT, style: { head: [], border: [], compact: true }, ...(align ? { colAligns: align } : {}) });
}

// Terminal tables: one compact cli-table3 style for every command.
import Table from 'cli-table3';

const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

export function makeTable(head: string[], align?: ('left' | 'right' | 'center')[]): InstanceType<typeof Table> {
  return new Table({
    head,
    chars: COMPACT,
    style: { head: [], border: [], compact: true },
    ...(align ? { colAligns: align } : {}),
  });
}

/** How a table is drawn: colour (the CLI decides: TTY, NO_COLOR) and the terminal's width. */
export interface RenderOptions {
  color: boolean;
  /** terminal width, for bars */
  width?: number;
}

export const BAR_GLYPHS = { cost: '█', saving: '░', increase: '▓' } as const;

/**
 * A waterfall bar in whole character cells: solid up to the cumulative cost, then the step's
 * change — light shade for a saving (cost < prev), dark shade for an increase. Fractions come
 * from the report model (0..1 of the axis); a non-zero change always gets at least one cell, and a
 * saving's shaded part ends where the previous bar's cost ended.
 */
export function waterfallCells(
  costFrac: number,
  prevFrac: number,
  width: number,
): { cost: number; saving: number; increase: number } {
  const cells = (f: number): number => Math.max(0, Math.min(width, Math.round(f * width)));
  if (prevFrac <= 0 || costFrac === prevFrac) return { cost: cells(costFrac), saving: 0, increase: 0 };
  if (costFrac < prevFrac) {
    // the bar ends where the previous cost ended; a saving smaller than a cell still shows one
    const end = cells(prevFrac);
    const solid = Math.max(0, Math.min(cells(costFrac), end - 1));
    return { cost: solid, saving: end - solid, increase: 0 };
  }
  const solid = cells(prevFrac);
  return { cost: solid, saving: 0, increase: Math.max(1, cells(costFrac) - solid) };
}

// Calendar dates as the tool reads them: YYYY-MM-DD, UTC, checked to exist. Date.parse accepts
// 2025-02-30 (it rolls over to March 2), so a date must also round-trip through toISOString.

/** A YYYY-MM-DD date that exists on the calendar. */
export function isIsoDate(s: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}$/.test(s) &&
    !Number.isNaN(Date.parse(s)) &&
    new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s
  );
}

/** A YAML date value (the yaml package may give a Date for an unquoted 2026-11-02) as YYYY-MM-DD text. */
export function dateText(v: string | Date): string {
  return v instanceof Date ? v.toISOString().slice(0, 10) : v;
}

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

/** A date (YYYY-MM-DD) or a UTC date-time (YYYY-MM-DDTHH:MM:SS[.sss]Z) on a day that exists. */
export function isIsoDateOrDateTime(s: string): boolean {
  if (s.length === 10) return isIsoDate(s);
  return (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(s) &&
    isIsoDate(s.slice(0, 10)) &&
    !Number.isNaN(Date.parse(s))
  );
}

/** A YAML date or date-time (the yaml package may give a Date) as text: the date alone at UTC midnight. */
export function dateTimeText(v: string | Date): string {
  if (!(v instanceof Date)) return v;
  const iso = v.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}

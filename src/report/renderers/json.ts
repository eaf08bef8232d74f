// JSON: the report model itself (schema llmcost.report/v1), with its presentation figures.
import type { Report, ReportChart } from '../model.js';

export function renderJson(r: Report & { chart: ReportChart }): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

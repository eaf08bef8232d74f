// `llmcost schema scenario|pricing`: JSON Schema of the file formats (app/schema.ts).
import type { Command } from 'commander';
import { jsonSchema, SCHEMAS } from '../app/schema.js';
import type { App } from './app.js';
import { emit } from './io.js';

export function registerSchema(program: Command, app: App): void {
  const cmd = program
    .command('schema')
    .argument('[kind]', `which file format: ${Object.keys(SCHEMAS).join('|')}`, 'scenario')
    .description('print the JSON Schema of scenario or pricing files (for editor completion)')
    .option('-o, --out <file>', 'write the schema to a file (atomically; its folder must exist) instead of stdout');
  cmd.addHelpText(
    'after',
    `
Examples:
  llmcost schema scenario --out scenario.schema.json
  llmcost schema pricing

Then, first line of a scenario file (YAML language server):
  # yaml-language-server: $schema=./scenario.schema.json`,
  );
  cmd.action((kind: string, o: { out?: string }) => {
    emit(app.io, JSON.stringify(jsonSchema(kind), null, 2), o.out);
  });
}

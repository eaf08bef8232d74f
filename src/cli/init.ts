// `llmcost init [FILE]`: write a commented example scenario to start from (never overwrites
// without --force; written atomically).
import type { Command } from 'commander';
import { EXAMPLE_SCENARIO, initScenario } from '../app/init.js';
import type { App } from './app.js';
import { emit } from './io.js';

export function registerInit(program: Command, app: App): void {
  const cmd = program
    .command('init')
    .argument('[file]', 'where to write the example scenario', 'scenario.yaml')
    .description('write a commented example scenario to start from')
    .option('--force', 'overwrite the file if it exists');
  cmd.addHelpText(
    'after',
    '\nExamples:\n  llmcost init\n  llmcost init scenarios/my-bot.yaml --force && llmcost simulate scenarios/my-bot.yaml',
  );
  cmd.action((file: string, o: { force?: boolean }) => {
    if (file === '-') return emit(app.io, EXAMPLE_SCENARIO);
    initScenario(file, o, app);
    app.note(`wrote ${file}; run: llmcost simulate ${file}`);
  });
}

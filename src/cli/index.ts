// Entry point: wires commands, maps outcomes to exit codes (0 ok, 1 check failed, 2 bad input).
// User errors print a located message and a hint, never a stack; internal bugs print the stack.
import { Command, CommanderError } from 'commander';
import { packageVersion, stderrLine } from '../app/context.js';
import { UserError, formatDiagnostic } from '../diagnostics.js';
import { terminalText } from '../shared/text.js';
import { makeApp, type Register } from './app.js';
import type { Io } from '../app/io.js';

/**
 * Each command's module, loaded only when it is the command run (or when every command is listed:
 * help, an unknown command). `--version` loads none of them, and a command loads only what it uses:
 * the pipelines behind the others (zod schemas, YAML, csv-parse, the report renderers) stay on disk.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  simulate: async () => (await import('./simulate.js')).registerSimulate,
  estimate: async () => (await import('./estimate.js')).registerEstimate,
  pricing: async () => (await import('./pricing.js')).registerPricing,
  schema: async () => (await import('./schema.js')).registerSchema,
  init: async () => (await import('./init.js')).registerInit,
  replay: async () => (await import('./replay.js')).registerReplay,
  drift: async () => (await import('./drift.js')).registerDrift,
  diff: async () => (await import('./diff.js')).registerDiff,
  advise: async () => (await import('./advise.js')).registerAdvise,
  report: async () => (await import('./report.js')).registerReport,
  sweep: async () => (await import('./sweep.js')).registerSweep,
  'audit-cache': async () => (await import('./audit-cache.js')).registerAuditCache,
  fit: async () => (await import('./fit.js')).registerFit,
};

/** The commands an invocation needs: the one it names, none for --version, else all (help, a typo). */
function commandsFor(argv: readonly string[] | undefined): string[] {
  if (argv === undefined) return Object.keys(COMMANDS);
  const name = argv.find((a) => !a.startsWith('-'));
  if (name !== undefined && Object.hasOwn(COMMANDS, name)) return [name];
  if (name === undefined && argv.length > 0 && argv.every((a) => a === '-V' || a === '--version')) return [];
  return Object.keys(COMMANDS);
}

/** The commander program with the commands `argv` needs (all of them when argv is not given). */
export async function buildProgram(
  io: Io,
  argv?: readonly string[],
): Promise<{ program: Command; app: ReturnType<typeof makeApp> }> {
  const registers = await Promise.all(commandsFor(argv).map((name) => COMMANDS[name]!()));
  const app = makeApp(io, packageVersion());
  const program = new Command();
  program
    .name('llmcost')
    .description('What your LLM API traffic costs, and what each cost-saving strategy would really save. Offline.')
    .version(app.version, '-V, --version')
    // root options only before the command, so a command may have its own --version (pricing import)
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      // commander echoes the user's flags in its errors: terminal-safe like every other message
      writeErr: (s) => io.stderr.write(terminalText(s, { lines: true })),
      outputError: (s, write) => write(s),
    })
    .exitOverride();
  for (const r of registers) r(program, app);
  for (const c of program.commands)
    c.exitOverride()
      .configureOutput({
        writeOut: (s) => io.stdout.write(s),
        writeErr: (s) => io.stderr.write(terminalText(s, { lines: true })),
      })
      .showHelpAfterError('(run with --help for usage)');
  return { program, app };
}

/** Run the CLI with `argv` (without node and script). Returns the exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  const { program, app } = await buildProgram(io, argv);
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return app.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
        return 0;
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UserError) {
      for (const d of e.diagnostics) stderrLine(io, formatDiagnostic(d));
      return 2;
    }
    io.stderr.write(
      `internal error: this is a bug in llmcost, please report it with the command you ran.\n${(e as Error)?.stack ?? String(e)}\n`,
    );
    return 3;
  }
}

/** bin/llmcost.js calls this with the real process. */
export function run(proc: NodeJS.Process): void {
  const io: Io = { stdout: proc.stdout, stderr: proc.stderr, stdin: proc.stdin, cwd: proc.cwd(), env: proc.env };
  // A closed pipe (e.g. `| head`) is not an error.
  proc.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') proc.exit(0);
  });
  main(proc.argv.slice(2), io).then(
    (code) => {
      proc.exitCode = code;
    },
    (e) => {
      proc.stderr.write(`internal error: ${(e as Error)?.stack ?? String(e)}\n`);
      proc.exitCode = 3;
    },
  );
}

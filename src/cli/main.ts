#!/usr/bin/env node
// snnwasm command line: train, eval, spikes, export, data. Errors the project raises on purpose print one
// line naming the file or flag and exit non-zero; anything else is a bug and prints its stack.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { SnnError } from '../errors.js';
import { CODE_VERSION } from '../version.js';
import { trainCommand } from './train-command.js';
import { evalCommand } from './eval-command.js';
import { dataCommand } from './data-command.js';
import { spikesCommand } from './spikes-command.js';
import { exportCommand } from './export-command.js';

export function buildProgram(): Command {
  const program = new Command('snnwasm')
    .description('train spiking neural networks on any CPU: WebAssembly SIMD kernels, no GPU, no Python')
    .version(CODE_VERSION)
    .showHelpAfterError()
    .exitOverride();
  for (const c of [trainCommand(), evalCommand(), spikesCommand(), exportCommand(), dataCommand()]) program.addCommand(c);
  const overrideAll = (c: Command): void => { c.exitOverride(); c.showHelpAfterError(); c.commands.forEach(overrideAll); };
  overrideAll(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2; // commander already printed the message
    if (e instanceof SnnError) {
      process.stderr.write(`snnwasm: error: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`snnwasm: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 70;
  }
}

// run only when this file is the program (node main.js, or the `snnwasm` bin link), not when imported
function isEntryPoint(): boolean {
  if (!process.argv[1]) return false;
  try { return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url)); } catch { return false; }
}
if (isEntryPoint()) {
  // `snnwasm ... | head` closes the pipe early: that is not an error
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); else throw e; });
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}

#!/usr/bin/env node
// snnwasm command line: train, eval, export, data. Errors the project raises on purpose print one
// line naming the file or flag and exit non-zero; anything else is a bug and prints its stack.
import { Command, CommanderError } from 'commander';
import { SnnError } from '../errors.js';
import { CODE_VERSION } from '../version.js';
import { trainCommand } from './train-command.js';
import { evalCommand } from './eval-command.js';
import { dataCommand } from './data-command.js';

export function buildProgram(): Command {
  const program = new Command('snnwasm')
    .description('train spiking neural networks on any CPU: WebAssembly SIMD kernels, no GPU, no Python')
    .version(CODE_VERSION)
    .showHelpAfterError()
    .exitOverride();
  for (const c of [trainCommand(), evalCommand(), dataCommand()]) program.addCommand(c);
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

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/snnwasm') || process.argv[1]?.endsWith('main.js')) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}

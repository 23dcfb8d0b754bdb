// snnwasm data verify|fetch: check local dataset files against the manifest, or download them.
import { Command } from 'commander';
import { DATASET_NAMES, fetchDataset, verifyDataset, type DatasetName } from '../data/index.js';
import { SnnError, UsageError } from '../errors.js';

function datasetArg(name: string): DatasetName {
  if (!(DATASET_NAMES as string[]).includes(name)) throw new UsageError('<dataset>', `unknown dataset "${name}" (one of ${DATASET_NAMES.join(', ')})`);
  return name as DatasetName;
}

export function dataCommand(): Command {
  const data = new Command('data').description('dataset files: verify checksums, download');
  data.command('verify')
    .description('check dataset files against the SHA-256 sums in data/manifest.json')
    .argument('[datasets...]', `datasets (default: all of ${DATASET_NAMES.join(', ')})`)
    .option('--data-dir <dir>', 'folder holding <dataset>/')
    .action((names: string[], opts: { dataDir?: string }) => {
      const list = names.length ? names.map(datasetArg) : DATASET_NAMES;
      let bad = 0;
      for (const name of list) {
        let report;
        try { report = verifyDataset(name, { dataDir: opts.dataDir }); } catch (e) {
          if (!(e instanceof SnnError)) throw e;
          process.stdout.write(`${name}: not found: ${e.message}\n`); bad++; continue;
        }
        process.stdout.write(`${name} (${report.dir}, ${report.source}): ${report.ok ? 'OK' : 'FAILED'}\n`);
        for (const f of report.files) process.stdout.write(`  ${f.status.padEnd(10)} ${f.path}\n`);
        if (!report.ok) bad++;
      }
      if (bad) throw new SnnError(`${bad} dataset(s) failed verification`);
    });
  data.command('fetch')
    .description('download the official files, verifying each checksum')
    .argument('<dataset>')
    .option('--dest <dir>', 'root folder; files go to <dest>/<dataset>/', 'data')
    .action(async (name: string, opts: { dest: string }) => {
      const r = await fetchDataset(datasetArg(name), { dest: opts.dest,
        onProgress: (file, got, total) => { if (process.stderr.isTTY) process.stderr.write(`\r${file} ${((100 * got) / Math.max(1, total)).toFixed(0)}%`); } });
      process.stdout.write(`${name}: ${r.files.length} file(s) in ${r.dir}\n`);
    });
  return data;
}

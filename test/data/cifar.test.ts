import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FileFormatError } from '../../src/errors.js';
import { openCifarArchive, parseCifarMeta, readCifarArchiveBatch, readCifarBatch } from '../../src/data/cifar.js';
import { encodeTar } from '../../src/data/tar.js';
import { cifarRecords, gz, tempDir, throwsNamed, write } from './helpers.js';

const dir = tempDir();

describe('CIFAR-10 batches', () => {
  it('reads raw and gzip batches into CHW images and labels', () => {
    const records = cifarRecords([3, 9]);
    for (const file of [write(path.join(dir, 'b.bin'), records), write(path.join(dir, 'b.bin.gz'), gz(records))]) {
      const b = readCifarBatch(file);
      assert.equal(b.count, 2);
      assert.deepEqual(Array.from(b.labels), [3, 9]);
      assert.equal(b.images.length, 2 * 3072);
      // record 1, channel 2 (blue) starts at 3072 + 2048
      assert.deepEqual([b.images[0], b.images[1024], b.images[3072 + 2048]], [0, 1, 5]);
    }
  });

  it('rejects a length that is not a multiple of 3073', () => {
    const file = write(path.join(dir, 'short.bin'), cifarRecords([1, 2]).subarray(0, 3073 + 100));
    throwsNamed(() => readCifarBatch(file), FileFormatError, file, /not a positive multiple of the 3073-byte CIFAR-10 record \(1 whole records \+ 100 stray bytes\)/);
  });

  it('rejects a label byte above 9, naming the record', () => {
    const records = cifarRecords([1, 2, 3]);
    records[3073] = 10;
    throwsNamed(() => readCifarBatch('bad-label.bin', records), FileFormatError, 'bad-label.bin', /record 1 \(byte 3073\) has label byte 10, expected 0\.\.9/);
  });

  it('parses batches.meta.txt and rejects a wrong class count', () => {
    const names = 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n';
    assert.equal(parseCifarMeta('batches.meta.txt', names)[9], 'truck');
    throwsNamed(() => parseCifarMeta('meta.txt', 'a\nb\n'), FileFormatError, 'meta.txt', /expected 10 class names, one per line, found 2/);
  });

  it('reads batches from the official archive layout in memory', () => {
    const tar = encodeTar([
      { name: 'cifar-10-batches-bin/data_batch_1.bin', data: cifarRecords([4]) },
      { name: 'cifar-10-batches-bin/test_batch.bin', data: cifarRecords([5, 6]) },
    ]);
    const file = write(path.join(dir, 'cifar-10-binary.tar.gz'), gz(tar));
    const archive = openCifarArchive(file);
    assert.deepEqual(Array.from(readCifarArchiveBatch(archive, 'test_batch.bin').labels), [5, 6]);
    throwsNamed(() => archive.member('data_batch_2.bin'), FileFormatError, file, /no member cifar-10-batches-bin\/data_batch_2\.bin/);
  });
});

// Errors are types: each names what it concerns (a file, a flag, a layer) so the CLI can print
// one clear line and exit non-zero. Library users can catch by class.

/** Base of every error the project raises on purpose. `exitCode` is what the CLI exits with. */
export class SnnError extends Error {
  readonly exitCode: number = 1;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A file on disk is missing, unreadable, corrupt, or of the wrong shape. */
export class FileFormatError extends SnnError {
  constructor(readonly file: string, readonly problem: string) {
    super(`${file}: ${problem}`);
  }
}

/** A checksum did not match the manifest or the file's own footer. */
export class ChecksumError extends FileFormatError {
  constructor(file: string, readonly expected: string, readonly actual: string) {
    super(file, `SHA-256 mismatch: expected ${expected}, got ${actual}`);
  }
}

/** A command-line flag or configuration value is invalid. */
export class UsageError extends SnnError {
  override readonly exitCode = 2;
  constructor(readonly flag: string, readonly problem: string) {
    super(`${flag}: ${problem}`);
  }
}

/** A numerical fault (NaN/Inf) detected during training. */
export class NumericalError extends SnnError {
  constructor(readonly where: string, readonly step: number, readonly problem: string) {
    super(`numerical fault in ${where} at step ${step}: ${problem}`);
  }
}

/** A network operation (download) failed. */
export class NetworkError extends SnnError {
  constructor(readonly url: string, readonly problem: string) {
    super(`${url}: ${problem}`);
  }
}

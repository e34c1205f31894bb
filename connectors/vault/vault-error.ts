/** Why the vault refused; messages name instances and key ids, never a key or a credential. */
export type VaultErrorCode =
  /** JUNCTION_MASTER_KEY is unset: nothing can be encrypted (credentials are never stored in plaintext). */
  | 'no-master-key'
  /** The record was sealed under a key that is neither the master key nor a previous one. */
  | 'unknown-key'
  /** Authentication failed: the bytes were altered, or the record belongs to another instance. */
  | 'tampered'
  /** Not a vault record (wrong version byte, too short). */
  | 'malformed';

export class VaultError extends Error {
  constructor(
    readonly code: VaultErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'VaultError';
  }
}

export function isVaultError(error: unknown): error is VaultError {
  return error instanceof VaultError;
}

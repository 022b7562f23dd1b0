/** Where a transfer stands, as reported to an `onProgress` callback. */
export interface TransferProgress {
  /** Bytes done, those Jarvis already had from an interrupted upload included. */
  bytes: number;
  total: number;
  /** Bytes Jarvis already had when the upload resumed (0 for a fresh one). */
  resumed: number;
}

export type OnProgress = (progress: TransferProgress) => void;

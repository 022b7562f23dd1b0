/** Where a transfer stands, as reported to an `onProgress` callback. */
export interface TransferProgress {
  /** Bytes done, those Jarvis already had from an interrupted upload included. */
  bytes: number;
  total: number;
  /** Bytes Jarvis already had when the upload resumed (0 for a fresh one). */
  resumed: number;
  /** Uploads: parts in all, and parts Jarvis has confirmed (a resumed upload starts with those it had). Downloads: 0. */
  parts: number;
  partsDone: number;
}

export type OnProgress = (progress: TransferProgress) => void;

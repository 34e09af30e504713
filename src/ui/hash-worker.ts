/// <reference lib="webworker" />
/**
 * SHA-256 of the user's files, a piece at a time, in a worker of its own: the audit worker
 * loads a file while this one hashes it, on the machine's other core. Web Crypto would be
 * faster but takes its input whole and copies it, which for a 150 MB export put 300 MB in
 * the page at once. Files are hashed one after another, in the order they come.
 */
import { hashBlob } from '../core/audit/hash';

export type HashRequest = { id: number; blob: Blob };
export type HashReply = { id: number; hex: string } | { id: number; error: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;
let queue: Promise<void> = Promise.resolve();

scope.onmessage = (e: MessageEvent<HashRequest>) => {
  const { id, blob } = e.data;
  queue = queue.then(() => hashBlob(blob)).then(
    (hex) => scope.postMessage({ id, hex } satisfies HashReply),
    (err: unknown) => scope.postMessage({ id, error: err instanceof Error ? err.message : String(err) } satisfies HashReply),
  );
};

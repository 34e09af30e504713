/// <reference lib="webworker" />
/** One pass over a user's File (file-pass.ts), then the worker is ended by whoever started it. */
import { runPass, transferables, type PassAnswer, type PassRequest } from './file-pass';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async (e: MessageEvent<PassRequest>) => {
  let answer: PassAnswer;
  try {
    answer = await runPass(e.data);
  } catch (err) {
    answer = { error: err instanceof Error ? err.message : String(err) };
  }
  scope.postMessage(answer, transferables(answer));
};

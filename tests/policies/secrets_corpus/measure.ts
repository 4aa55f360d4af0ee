// Recall and precision of the detectors on a labelled corpus.
import { DETECTOR_NAMES, findSecrets } from "../../../policies/secrets.ts";
import type { Example } from "./tuning.ts";

/** What the detectors did on a corpus. */
export interface Score {
  /** Secrets found (a hit overlaps the secret). */
  tp: number;
  /** Secrets missed. */
  fn: number;
  /** Look-alikes reported. */
  fp: number;
  /** Look-alikes left alone. */
  tn: number;
  /** tp / (tp + fn). */
  recall: number;
  /** tp / (tp + fp). */
  precision: number;
  /** Examples the detectors got wrong. */
  wrong: Example[];
}

/** Score the detectors on examples. */
export function measure(examples: readonly Example[]): Score {
  let tp = 0, fn = 0, fp = 0, tn = 0;
  const wrong: Example[] = [];
  for (const e of examples) {
    const hits = findSecrets(e.text, DETECTOR_NAMES);
    if (e.secret === null) {
      if (hits.length) (fp++, wrong.push(e));
      else tn++;
      continue;
    }
    const at = e.text.indexOf(e.secret);
    const found = hits.some((h) => h.start < at + e.secret!.length && at < h.end);
    if (found) tp++;
    else (fn++, wrong.push(e));
  }
  return { tp, fn, fp, tn, recall: tp / (tp + fn), precision: tp / (tp + fp), wrong };
}

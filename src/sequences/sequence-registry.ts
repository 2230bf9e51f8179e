// The sequences in force: read once from prompts/sequences (a broken file is reported by `prompts
// check` and at start-up, and left out), minus the ones a business switched off.
import type { TProfile } from "../config/profile-schema.ts";
import { loadSequences, SEQUENCES_DIR, type LoadedSequences } from "./load-sequences.ts";
import type { Sequence, Trigger } from "./sequence-schema.ts";

let loaded: LoadedSequences | undefined;

export function allSequences(dir = SEQUENCES_DIR): LoadedSequences {
  loaded ??= loadSequences(dir);
  return loaded;
}

/** The business's sequence by key (undefined: no such file, or switched off in the profile). */
export function sequenceFor(profile: TProfile, key: string): Sequence | undefined {
  if (profile.sequences.disabled.includes(key)) return undefined;
  return allSequences().sequences.get(key);
}

export function sequencesTriggeredBy(profile: TProfile, trigger: Trigger): Sequence[] {
  return [...allSequences().sequences.values()].filter((s) => s.trigger.event === trigger && !profile.sequences.disabled.includes(s.key));
}

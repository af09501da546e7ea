// What the builder does to its list of steps: add, remove, move, rename (references follow).
import { freshStepId, newStep, type StepDraft, type StepKind } from './journey-draft.ts';

/** A step's fields that name another step. */
const TARGETS = ['next', 'onEvent', 'onTimeout', 'ifTrue', 'ifFalse'] as const;

/** Every reference to step `from` changed to `to` ('' clears it), arms included. */
function retarget(steps: StepDraft[], from: string, to: string): StepDraft[] {
  return steps.map((s) => {
    const changed: StepDraft = { ...s, arms: s.arms.map((a) => (a.next === from ? { ...a, next: to } : a)) };
    for (const field of TARGETS) if (s[field] === from) changed[field] = to;
    return changed;
  });
}

/** Kinds whose one way on is `next`. */
const hasNext = (kind: StepKind) => !['exit', 'wait_for_event', 'branch', 'split'].includes(kind);

/** Appends a new step; the last step, if its `next` is still empty, leads to it. */
export function addStep(steps: StepDraft[], kind: StepKind): StepDraft[] {
  const step = newStep(kind, freshStepId(kind, steps));
  const last = steps.at(-1);
  const wired =
    last && hasNext(last.kind) && !last.next ? [...steps.slice(0, -1), { ...last, next: step.id }] : steps;
  return [...wired, step];
}

/** Removes a step; what led to it leads nowhere until chosen again. */
export const removeStep = (steps: StepDraft[], id: string) =>
  retarget(
    steps.filter((s) => s.id !== id),
    id,
    '',
  );

/** Moves a step up (-1) or down (+1) in the list; the first step is where customers start. */
export function moveStep(steps: StepDraft[], id: string, by: -1 | 1): StepDraft[] {
  const i = steps.findIndex((s) => s.id === id);
  const j = i + by;
  if (i < 0 || j < 0 || j >= steps.length) return steps;
  const copy = [...steps];
  [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  return copy;
}

/** Step ids the server's messages can name: letters, digits, `_` and `-`. */
export const STEP_ID = /^[\p{L}\p{N}_-]+$/u;

/** Renames a step and every reference to it; unchanged when the id is taken or not allowed. */
export function renameStep(steps: StepDraft[], from: string, to: string): StepDraft[] {
  if (from === to || !STEP_ID.test(to) || steps.some((s) => s.id === to)) return steps;
  return retarget(
    steps.map((s) => (s.id === from ? { ...s, id: to } : s)),
    from,
    to,
  );
}

/** Replaces one step. */
export const updateStep = (steps: StepDraft[], id: string, step: StepDraft) =>
  steps.map((s) => (s.id === id ? step : s));

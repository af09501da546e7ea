import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { ConditionSchema, explainCondition } from '../segments/index.ts';
import { InvalidInputError, parseInput } from '../shared/errors.ts';
import { assertSafeInput } from '../shared/safe-input.ts';
import {
  type Journey,
  JourneySchema,
  nextFields,
  nextSteps,
  StepSchema,
  TriggerSchema,
} from './journey-model.ts';

const STEP_TYPES = StepSchema.options.map((o) => o.shape.type.value);
/** The key that names each kind of trigger (`date` covers the date triggers). */
const TRIGGER_KEYS = [...new Set(TriggerSchema.options.map((o) => Object.keys(o.shape)[0]!))];

/** Largest journey text (JSON or YAML): a journey is a page of steps, not a data file. */
export const MAX_JOURNEY_CHARS = 256 * 1024;
/** Most steps in one journey. */
export const MAX_JOURNEY_STEPS = 200;

/** Steps this version cannot run yet, with the reason given on apply (none at present). */
const NOT_YET: Record<string, string> = {};

/**
 * Reads a journey from JSON or YAML text and checks its shape and graph: every `next` names a
 * step, every step is reachable from `start`, durations and step types are known. A clear error
 * names the field (`steps.remind.next: no step named "remnd"`).
 */
export function parseJourney(text: string, source = 'journey'): Journey {
  if (text.length > MAX_JOURNEY_CHARS)
    throw new InvalidInputError(`${source}: a journey may hold at most ${MAX_JOURNEY_CHARS} characters`);
  let value: unknown;
  try {
    value = text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new InvalidInputError(
      `${source}: not valid JSON or YAML: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  // Step names and keys are walked below: a file's `__proto__` key is refused, not silently dropped.
  assertSafeInput(value, source);
  const steps = (value as { steps?: unknown } | null)?.steps;
  if (steps && typeof steps === 'object' && Object.keys(steps).length > MAX_JOURNEY_STEPS)
    throw new InvalidInputError(`${source}: steps: a journey may have at most ${MAX_JOURNEY_STEPS} steps`);
  explainSteps(value, source);
  const journey = parseInput(JourneySchema, value, `${source}:`);
  checkGraph(journey, source);
  return journey;
}

/** Reads and checks a journey file. */
export async function readJourneyFile(path: string): Promise<Journey> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return parseJourney(text, path);
}

/** Names an unknown step type or a bad branch condition before zod's generic union message. */
function explainSteps(value: unknown, source: string): void {
  const steps = (value as { steps?: unknown })?.steps;
  if (!steps || typeof steps !== 'object') return;
  for (const [name, step] of Object.entries(steps as Record<string, unknown>)) {
    const type = (step as { type?: unknown })?.type;
    if (typeof type !== 'string' || !STEP_TYPES.includes(type as never))
      throw new InvalidInputError(
        `${source}: steps.${name}.type: unknown step type ${JSON.stringify(type)} (use ${STEP_TYPES.join(', ')})`,
      );
    if (NOT_YET[type]) throw new InvalidInputError(`${source}: steps.${name}: ${type}: ${NOT_YET[type]}`);
    if (type === 'branch') checkCondition((step as { if?: unknown }).if, `${source}: steps.${name}.if`);
  }
  const trigger = (value as { trigger?: unknown }).trigger;
  if (trigger !== undefined && !TriggerSchema.safeParse(trigger).success) {
    const keys = typeof trigger === 'object' && trigger !== null ? Object.keys(trigger) : [];
    if (!keys.some((k) => TRIGGER_KEYS.includes(k)))
      throw new InvalidInputError(
        `${source}: trigger: unknown trigger ${JSON.stringify(keys)} (use ${TRIGGER_KEYS.join(', ')})`,
      );
    // One kind of trigger named: its own error names the field, not the union's "Invalid input".
    const kind = TriggerSchema.options.filter((o) => {
      const key = Object.keys(o.shape)[0]!;
      if (!keys.includes(key)) return false;
      const date = (o.shape as { date?: { value: string } }).date;
      return !date || date.value === (trigger as { date?: unknown }).date;
    });
    const issue = kind.length === 1 ? kind[0]!.safeParse(trigger).error?.issues[0] : undefined;
    if (issue)
      throw new InvalidInputError(`${source}: ${['trigger', ...issue.path].join('.')}: ${issue.message}`);
  }
  const entry = (value as { entry?: unknown }).entry;
  if (entry !== undefined) checkCondition(entry, `${source}: entry`);
}

function checkCondition(value: unknown, where: string): void {
  if (!ConditionSchema.safeParse(value).success)
    throw new InvalidInputError(`${where}: ${explainCondition(value)}`);
}

function checkGraph(journey: Journey, source: string): void {
  const names = Object.keys(journey.steps);
  if (!journey.steps[journey.start])
    throw new InvalidInputError(
      `${source}: start: no step named "${journey.start}" (steps: ${names.join(', ')})`,
    );
  for (const [name, step] of Object.entries(journey.steps))
    for (const [field, target] of nextFields(step))
      if (!journey.steps[target])
        throw new InvalidInputError(
          `${source}: steps.${name}.${field}: no step named "${target}" (steps: ${names.join(', ')})`,
        );
  const seen = new Set<string>();
  const queue = [journey.start];
  while (queue.length) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    queue.push(...nextSteps(journey.steps[name]!));
  }
  const unreachable = names.filter((n) => !seen.has(n));
  if (unreachable.length)
    throw new InvalidInputError(
      `${source}: steps.${unreachable[0]}: unreachable from start "${journey.start}"`,
    );
}

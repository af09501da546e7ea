import { useSyncExternalStore } from 'react';
import type { Lang } from '../i18n/i18n.tsx';

// Which colour means "up": red in Chinese back offices (as on Chinese stock screens), green in
// Western ones. A choice of this browser's, kept like the language; by default from the language.

/** Red up (Chinese habit) or green up. */
export type RiseColour = 'red' | 'green';
const KEY = 'retain.rise';
const listeners = new Set<() => void>();

const saved = (): RiseColour | null => {
  const v = window.localStorage.getItem(KEY);
  return v === 'red' || v === 'green' ? v : null;
};

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => {
    listeners.delete(l);
  };
};

/** Saves the choice and redraws whatever shows a change. */
export function setRiseColour(colour: RiseColour) {
  window.localStorage.setItem(KEY, colour);
  for (const l of listeners) l();
}

/** The colour of rising for this browser: the saved choice, else red for zh-CN and green otherwise. */
export function useRiseColour(lang: Lang): RiseColour {
  const choice = useSyncExternalStore(subscribe, saved);
  return choice ?? (lang === 'zh-CN' ? 'red' : 'green');
}

// AA contrast on white for both (4.5:1).
const RED = '#c5221f';
const GREEN = '#137333';

/** The text colour of a change: rising, falling or flat, by the choice. */
export const changeColour = (rise: RiseColour, change: number) =>
  change === 0 ? undefined : change > 0 === (rise === 'red') ? RED : GREEN;

/**
 * Whether the reader's system asks for less motion (`prefers-reduced-motion`, WCAG 2.3.3): the
 * dashboard then leaves out Ant Design's and the charts' animations.
 */
export const reducedMotion: boolean = Boolean(
  window.matchMedia?.('(prefers-reduced-motion: reduce)').matches,
);

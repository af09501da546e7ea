// What other folders use from src/events: import it from here, not from the files inside (issue 20).
export { clearEventProperties, eventsOfTypes, recentEvents } from './event-history.ts';
export { insertKnownEvents, type KnownEvent, processEvents } from './events-import.ts';

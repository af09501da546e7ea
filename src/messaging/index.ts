// What other folders use from src/messaging: import it from here, not from the files inside (issue 20).

export { type DeliveryCounts, deliverDue, NO_DELIVERIES, previewDecision } from './message-deliver.ts';
export { inScope } from './message-facts.ts';
export { customerVariableRows, customerVariables, variablesFromRow } from './message-variables.ts';
export {
  type Cap,
  type CapScope,
  capScopes,
  type Purpose,
  type ReachRule,
  type ReachSettings,
  reachRule,
  reachSettingsOf,
  workspaceScopeKey,
} from './reach-rules.ts';
export { enqueueMessages, type QueuedMessage, renderForCustomer, sendMessageAs } from './send-message.ts';
export { LOCALES, type Locale, renderText } from './template-render.ts';
export { applyTemplates, findTemplate, listTemplates, TemplateInput } from './template-service.ts';
export { linkSignature, readMessageToken, trackingKey } from './tracking-token.ts';

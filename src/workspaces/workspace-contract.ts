import { z } from 'zod';
import { SettingsSchema } from './workspace-settings.ts';

// The response shapes of the workspace and its settings, shared by the API (its OpenAPI document)
// and the dashboard (its types); zod and the settings' own schema (no node or database code).

/** `PATCH /workspace`: the workspace's name, zone and currency. */
export const WorkspaceSchema = z.object({
  name: z.string(),
  timezone: z.string().describe('IANA zone, e.g. Asia/Shanghai'),
  currency: z.string().describe('ISO 4217, e.g. CNY'),
});

/** `GET /workspace`: the same, and whether zone and currency are locked (once anything is imported). */
export const WorkspaceInfoSchema = WorkspaceSchema.extend({ locked: z.boolean() });
export type WorkspaceInfo = z.infer<typeof WorkspaceInfoSchema>;

/** `GET /workspace/settings`: every setting with its default filled in. */
export const WorkspaceSettingsSchema = SettingsSchema;
export type WorkspaceSettings = z.output<typeof SettingsSchema>;

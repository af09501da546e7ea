import { z } from 'zod';
import { hasLoneSurrogate, hasNul } from '../shared/safe-input.ts';
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

/** `POST /workspaces`: a new workspace; its creator becomes its first admin. */
export const WorkspaceCreateBody = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'must not be blank')
      .max(200)
      .refine((s) => !hasNul(s), 'must not contain a NUL byte')
      .refine((s) => !hasLoneSurrogate(s), 'must be valid Unicode text'),
    timezone: z.string().min(1).max(64).optional().describe('IANA zone; default Asia/Shanghai'),
    currency: z.string().length(3).optional().describe('ISO 4217; default CNY'),
  })
  .strict();
export type WorkspaceCreateBody = z.infer<typeof WorkspaceCreateBody>;

/** `PATCH /workspace`: a new name, or a zone and currency while nothing is imported. */
export const WorkspaceChangeBody = WorkspaceCreateBody.partial().strict();
export type WorkspaceChangeBody = z.infer<typeof WorkspaceChangeBody>;

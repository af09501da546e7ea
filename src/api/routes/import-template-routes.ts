import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { templateFile, templateFileName, templateHeaders } from '../../importing/import-templates.ts';
import { IMPORT_KINDS, type ImportKind } from '../../importing/index.ts';
import type { ApiContext } from '../context.ts';
import { ERRORS, FILE_RESPONSE } from '../schemas.ts';
import { langOf } from './ingest-routes.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Empty files to fill in and import: one per kind, with headers the import reads without mapping. */
export const importTemplateRoutes: FastifyPluginAsyncZod<ApiContext> = async (app) => {
  app.get(
    '/imports/template',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['imports'],
        summary:
          'An empty import template for a kind: its header row only (Chinese headers for zh-CN, field names for en), as CSV or XLSX',
        querystring: z.object({
          kind: z.enum(IMPORT_KINDS as [ImportKind, ...ImportKind[]]),
          format: z.enum(['csv', 'xlsx']).default('csv'),
          lang: z
            .enum(['zh-CN', 'en'])
            .optional()
            .describe('language of the headers (default: from Accept-Language)'),
        }),
        response: {
          200: {
            ...FILE_RESPONSE,
            description: `The template as an attachment; e.g. orders in zh-CN: ${templateHeaders('orders', 'zh-CN').join(',')}`,
          },
          ...ERRORS,
        },
      },
    },
    async (request, reply) => {
      const { kind, format } = request.query;
      const lang = request.query.lang ?? langOf(request.headers['accept-language']);
      const body = await templateFile(kind, format, lang);
      reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : XLSX)
        .header('content-disposition', `attachment; filename="${templateFileName(kind, format)}"`);
      return reply.send(body as unknown as string);
    },
  );
};
